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
