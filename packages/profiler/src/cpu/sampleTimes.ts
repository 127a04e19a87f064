import type { CpuProfile } from './cpuProfile';

/** When each sample of a profile was taken and how much time it stands for, in microseconds. */
export interface SampleTimes {
  /** Timestamp of each sample (the profile's clock: `process.hrtime` in µs). */
  readonly timesUs: Float64Array;
  /** Time each sample stands for: until the next sample (the last: until the profile's end). */
  readonly durationsUs: Float64Array;
}

export function sampleTimes(profile: CpuProfile): SampleTimes {
  const deltas = profile.timeDeltas ?? [];
  const count = profile.samples?.length ?? 0;
  const timesUs = new Float64Array(count);
  const durationsUs = new Float64Array(count);
  let t = profile.startTime;
  for (let i = 0; i < count; i++) {
    t += deltas[i] ?? 0;
    timesUs[i] = t;
  }
  for (let i = 0; i < count; i++) {
    const next = i + 1 < count ? timesUs[i + 1] : profile.endTime;
    // V8 occasionally records a sample slightly out of order; it then stands for no time.
    durationsUs[i] = Math.max(0, next - timesUs[i]);
  }
  return { timesUs, durationsUs };
}

/**
 * The same samples, each counting as the mean time of the counted ones (`counted`: not idle), the
 * total kept. V8 takes a sample every interval of wall time, and a gap while its sampling thread
 * was preempted (a loaded machine) or held up is charged whole to the one sample after it, so a
 * share by the samples' own times swung widely from run to run (STT : LLM work of 3 : 1 measured
 * anywhere from 1.4 to 2.8 : 1 under load, against 2.1 to 3.4 by samples): the way pprof and perf
 * count, samples of equal weight.
 */
export function evenSampleTimes(times: SampleTimes, counted: (sample: number) => boolean): SampleTimes {
  let totalUs = 0;
  let n = 0;
  for (let s = 0; s < times.durationsUs.length; s++) {
    if (!counted(s)) continue;
    totalUs += times.durationsUs[s];
    n++;
  }
  const meanUs = n === 0 ? 0 : totalUs / n;
  const durationsUs = Float64Array.from(times.durationsUs, (us, s) => (counted(s) ? meanUs : us));
  return { timesUs: times.timesUs, durationsUs };
}
