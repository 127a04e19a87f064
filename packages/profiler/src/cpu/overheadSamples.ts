import type { CallFrame, CpuProfile } from './cpuProfile';

/**
 * Which samples are the instrumentation's overhead: those whose innermost frame of user-land code
 * is the instrumentation's (`isOurs`: our packages, the OpenTelemetry SDK, the module hooks). V8's
 * own entries, Node's `node:` internals and the frames `judgedByCaller` accepts (a library that
 * works for whoever calls it: better-sqlite3, which our exporter writes with) are passed over to
 * their caller. Their time is what the instrumentation costs, whichever component's operation it
 * ran in: it used to be counted as the component's own, and `export` of the preload bundle,
 * `setAttribute`, `wrapped` or `timedCall` were named a component's hottest function.
 */
export function overheadSamples(
  profile: CpuProfile,
  isOurs: (frame: CallFrame) => boolean,
  judgedByCaller: (frame: CallFrame) => boolean = () => false,
): Uint8Array {
  const samples = profile.samples ?? [];
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const frameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const verdict = new Map<number, boolean>();
  const isOverhead = (id: number): boolean => {
    let known = verdict.get(id);
    if (known !== undefined) return known;
    known = false;
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = frameOf.get(at)!;
      if (frame.url === '' || frame.url.startsWith('node:') || judgedByCaller(frame)) continue;
      known = isOurs(frame);
      break;
    }
    verdict.set(id, known);
    return known;
  };
  const out = new Uint8Array(samples.length);
  for (let s = 0; s < samples.length; s++) out[s] = isOverhead(samples[s]) ? 1 : 0;
  return out;
}
