import type { AllocationHotSpot } from './allocationHotSpots';

/**
 * Memory held after a forced full GC, before and after one profiled run: the heap used (runs of
 * one operation), or what the app allocated since the window began (intervals of a process
 * profile, see processProfile.ts).
 */
export interface HeapReading {
  beforeBytes: number;
  afterBytes: number;
  /** What the run allocated and still held after the GC, by allocating function. */
  retained: readonly AllocationHotSpot[];
}

export interface LeakOptions {
  /** Runs needed before a verdict. */
  minRuns: number;
  /** Growth per run (bytes) at or above which retention counts as a leak. */
  thresholdBytesPerRun: number;
}

/** A function that kept memory in the runs assessed. */
export interface LeakSuspect {
  function: string;
  /** Bytes it allocated and still held after GC, per run on average. */
  bytesPerRun: number;
  /** In how many of the runs it held memory (per-run profiles only). */
  runs?: number;
}

export interface LeakVerdict {
  status: 'suspected' | 'clean' | 'insufficient_runs';
  suspected: boolean;
  runs: number;
  /** Median over runs of (held after − held before), both after a full GC. */
  medianGrowthBytes: number;
  /** Least-squares slope of what is held after GC over the runs: growth that stays. */
  slopeBytesPerRun: number;
  /** Runs after which more was held. */
  growingRuns: number;
  thresholdBytesPerRun: number;
  /** Functions holding the growth, largest first (only when a leak is suspected). */
  suspects: LeakSuspect[];
}

// Share of runs that must grow: one run that frees a little (a cache evicting, a pool shrinking)
// does not clear a steady leak, but growth in only half the runs is not "persistent".
const GROWING_SHARE = 0.8;

/**
 * Judges a series of runs: a leak is suspected when the heap after GC grows in (nearly) every run,
 * by at least the threshold in the median run, and the growth stays (the after-GC heap rises across
 * the series at the threshold rate). Memory a run takes and the next run frees (a "last result"
 * slot, a warmed cache) grows per run but not across the series, and is not flagged.
 */
export function assessLeak(
  readings: readonly HeapReading[],
  options: LeakOptions,
  suspects: () => LeakSuspect[] = () => leakSuspects(readings),
): LeakVerdict {
  const runs = readings.length;
  const growth = readings.map((r) => r.afterBytes - r.beforeBytes);
  const medianGrowthBytes = median(growth);
  const slopeBytesPerRun = slope(readings.map((r) => r.afterBytes));
  const growingRuns = growth.filter((g) => g > 0).length;
  const enough = runs >= options.minRuns;
  const suspected =
    enough &&
    medianGrowthBytes >= options.thresholdBytesPerRun &&
    slopeBytesPerRun >= options.thresholdBytesPerRun &&
    growingRuns >= Math.ceil(GROWING_SHARE * runs);
  return {
    status: !enough ? 'insufficient_runs' : suspected ? 'suspected' : 'clean',
    suspected,
    runs,
    medianGrowthBytes,
    slopeBytesPerRun,
    growingRuns,
    thresholdBytesPerRun: options.thresholdBytesPerRun,
    suspects: suspected ? suspects() : [],
  };
}

/** The functions that held memory after GC across runs, by bytes held per run. */
export function leakSuspects(readings: readonly HeapReading[], top = 5): LeakSuspect[] {
  const byFunction = new Map<string, { bytes: number; runs: number }>();
  for (const reading of readings) {
    for (const spot of reading.retained) {
      const entry = byFunction.get(spot.function) ?? { bytes: 0, runs: 0 };
      entry.bytes += spot.bytes;
      entry.runs++;
      byFunction.set(spot.function, entry);
    }
  }
  return [...byFunction.entries()]
    .map(([fn, e]) => ({ function: fn, bytesPerRun: e.bytes / readings.length, runs: e.runs }))
    .sort((a, b) => b.bytesPerRun - a.bytesPerRun)
    .slice(0, top);
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function slope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - meanX) * (ys[i] - meanY);
    den += (i - meanX) ** 2;
  }
  return num / den;
}
