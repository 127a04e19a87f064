/**
 * Which component operation each CPU sample of a profile was charged to, written beside its
 * `.cpuprofile` as `<name>.attribution.json` (the `.cpuprofile` itself stays exactly what V8
 * returned, so other tools still open it). A flame graph drawn from the file colours every frame by
 * the components whose samples went through it.
 */
export interface SampleAttribution {
  format: typeof SAMPLE_ATTRIBUTION_FORMAT;
  /** The (component, operation) pairs samples were charged to; `runs` refer to them by index. */
  owners: { component: string; operation: string }[];
  /**
   * Run-length encoded owner of each sample, in sample order: pairs [owner index, count], -1 for
   * samples charged to no operation (or, in an operation's profile, to other work).
   */
  runs: number[];
  /**
   * Directories of the instrumentation's own code in the profiled process (our packages, the
   * OpenTelemetry packages): frames in them are the instrumentation's overhead, not the app's.
   */
  instrumentationDirs: string[];
}

export const SAMPLE_ATTRIBUTION_FORMAT = 'transcriber.sample-attribution/1';

/** The attribution file of a `.cpuprofile` file. */
export function attributionPathOf(cpuProfilePath: string): string {
  return cpuProfilePath.replace(/\.cpuprofile$/, '') + '.attribution.json';
}

/** Builds the attribution of `sampleCount` samples from a function giving each one's owner. */
export function sampleAttribution(
  sampleCount: number,
  ownerOf: (sample: number) => { component: string; operation: string } | undefined,
  instrumentationDirs: string[],
): SampleAttribution {
  const owners: SampleAttribution['owners'] = [];
  const index = new Map<string, number>();
  const runs: number[] = [];
  for (let s = 0; s < sampleCount; s++) {
    const owner = ownerOf(s);
    let i = -1;
    if (owner !== undefined) {
      const key = `${owner.component}\0${owner.operation}`;
      i = index.get(key) ?? -1;
      if (i === -1) {
        i = owners.length;
        owners.push({ component: owner.component, operation: owner.operation });
        index.set(key, i);
      }
    }
    if (runs.length > 0 && runs[runs.length - 2] === i) runs[runs.length - 1]++;
    else runs.push(i, 1);
  }
  return { format: SAMPLE_ATTRIBUTION_FORMAT, owners, runs, instrumentationDirs };
}

/** The owner index of every sample, decoded from `runs` (-1: none); undefined if the file is malformed. */
export function ownerIndexes(attribution: SampleAttribution, sampleCount: number): Int32Array | undefined {
  const out = new Int32Array(sampleCount).fill(-1);
  const runs = attribution.runs;
  if (!Array.isArray(runs) || runs.length % 2 !== 0) return undefined;
  let at = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const owner = runs[r];
    const count = runs[r + 1];
    if (!Number.isInteger(owner) || !Number.isInteger(count) || count < 0 || owner >= attribution.owners.length) {
      return undefined;
    }
    for (let k = 0; k < count && at < sampleCount; k++) out[at++] = owner;
  }
  return out;
}
