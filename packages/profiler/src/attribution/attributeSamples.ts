import type { TimelineSlice } from './operationTimeline';

/**
 * The operation running when each sample was taken (-1: none): the timeline transition in force
 * at the sample's timestamp.
 */
export function attributeSamples(sampleTimesUs: Float64Array, slice: TimelineSlice): Int32Array {
  const owners = new Int32Array(sampleTimesUs.length).fill(-1);
  const times = slice.timesUs;
  for (let s = 0; s < sampleTimesUs.length; s++) {
    // Index of the last transition at or before the sample.
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= sampleTimesUs[s]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) owners[s] = slice.operationIds[lo - 1];
  }
  return owners;
}
