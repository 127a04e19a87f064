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
  /**
   * Median over the gaps between runs of what was given back in them (held after a run − held
   * before the next, both after a full GC): memory the runs took that does not stay.
   */
  medianReleasedBytes: number;
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
 * by at least the threshold in the median run, and the growth stays: in the median gap between two
 * runs, less than half the median run's growth is given back. Memory each run takes and that is
 * freed before the next (a "last result" slot released by a timer) grows per run but does not
 * stay, and is not flagged; memory the next run frees itself (a slot it overwrites, a warmed
 * cache) is no growth in that run.
 *
 * Medians, not a least-squares slope of the after-GC heap: memory released once, in one run or one
 * gap, by something else must not hide the growth. V8 flushes the bytecode of functions that have
 * not run for a few full GCs, and the memory profile forces two per run: on Node 24, in a process
 * that had loaded ~4 MB of code, one such release in a series of six runs turned the slope of a
 * 640 KiB-per-run leak negative.
 */
export function assessLeak(
  readings: readonly HeapReading[],
  options: LeakOptions,
  suspects: () => LeakSuspect[] = () => leakSuspects(readings),
): LeakVerdict {
  const runs = readings.length;
  // A run's growth is at least what it allocated itself and still held after the GC: the heap's
  // own difference loses memory others freed meanwhile (V8 flushing the bytecode of code that has
  // not run for a few full GCs, see above). A CI run on Node 24 judged a 300 KiB-per-run leak
  // clean in a Jest worker that had run many test files; the likely cause, not seen directly.
  const growth = readings.map((r) =>
    r.retained.length === 0 ? r.afterBytes - r.beforeBytes : Math.max(r.afterBytes - r.beforeBytes, retainedBytes(r)),
  );
  const medianGrowthBytes = median(growth);
  const medianReleasedBytes = median(readings.slice(1).map((r, i) => readings[i].afterBytes - r.beforeBytes));
  const growingRuns = growth.filter((g) => g > 0).length;
  const enough = runs >= options.minRuns;
  const suspected =
    enough &&
    medianGrowthBytes >= options.thresholdBytesPerRun &&
    medianReleasedBytes < medianGrowthBytes / 2 &&
    growingRuns >= Math.ceil(GROWING_SHARE * runs);
  return {
    status: !enough ? 'insufficient_runs' : suspected ? 'suspected' : 'clean',
    suspected,
    runs,
    medianGrowthBytes,
    medianReleasedBytes,
    growingRuns,
    thresholdBytesPerRun: options.thresholdBytesPerRun,
    suspects: suspected ? suspects() : [],
  };
}

/** What a run allocated and still held after the GC (sampled; the functions listed). */
function retainedBytes(reading: HeapReading): number {
  let bytes = 0;
  for (const spot of reading.retained) bytes += spot.bytes;
  return bytes;
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
