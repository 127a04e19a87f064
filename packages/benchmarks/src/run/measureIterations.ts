import { errorTypeOf } from '@transcriber/instrumentation';
import type { BenchmarkFailure, BenchmarkFn, BenchmarkProgress } from '../types';

export interface MeasureOptions {
  iterations: number;
  warmupIterations: number;
  /** Limit for warm-up plus measurement, ms. */
  timeoutMs: number;
  onProgress?: (progress: BenchmarkProgress) => void;
  /** Called when warm-up is over and the measured iterations start. */
  onMeasureStart?: () => void;
}

/** What the measuring loop saw. */
export interface Measurement {
  /** Durations of the successful measured iterations, ms. */
  samples: Float64Array;
  /** Measured iterations run (successful or failed). */
  iterations: number;
  /** Sum of all measured iterations' durations, failed ones included, ms. */
  totalTimeMs: number;
  failures: BenchmarkFailure[];
  timedOut: boolean;
  /** When measurement (after warm-up) started, ms since the epoch. */
  startedAtMs: number;
}

// Between iterations, at most this often, the loop gives the event loop a turn (timers, I/O,
// exporters, progress output); the pause is outside every measured interval.
const YIELD_EVERY_MS = 100;
const TIMED_OUT = Symbol('timed out');
// Bound once: `performance` is an accessor on the global object, and looking it up between the
// two clock reads would be part of every sample.
const now = performance.now.bind(performance);

/**
 * Runs `fn` for the warm-up and then the measured iterations, timing each call with
 * `performance.now()`. A sync result is not awaited (no microtask turn is added to what is
 * measured); a promise (any thenable) is awaited. A failing iteration is counted by error type and the loop
 * goes on. The time limit is checked after every iteration, and a promise that never settles is
 * abandoned when the limit passes; a sync call that never returns cannot be interrupted.
 */
export async function measureIterations(fn: BenchmarkFn, options: MeasureOptions): Promise<Measurement> {
  const deadline = performance.now() + options.timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  let timeout: Promise<typeof TIMED_OUT> | undefined;
  // Created on the first promise only: sync benchmarks never pay for it. Not unref'd: a pending
  // promise alone does not keep Node alive, and the process must wait to report the timeout.
  const timeoutRace = (): Promise<typeof TIMED_OUT> =>
    (timeout ??= new Promise((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadline - performance.now()));
    }));
  try {
    const warmup = await runPhase(fn, 'warmup', options.warmupIterations, deadline, timeoutRace, options.onProgress);
    if (warmup.timedOut)
      return { ...warmup, samples: new Float64Array(0), iterations: 0, totalTimeMs: 0, failures: [] };
    options.onMeasureStart?.();
    return await runPhase(fn, 'measure', options.iterations, deadline, timeoutRace, options.onProgress);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

async function runPhase(
  fn: BenchmarkFn,
  phase: BenchmarkProgress['phase'],
  count: number,
  deadline: number,
  timeoutRace: () => Promise<typeof TIMED_OUT>,
  onProgress: ((progress: BenchmarkProgress) => void) | undefined,
): Promise<Measurement> {
  const samples = new Float64Array(count);
  const failures = new Map<string, BenchmarkFailure>();
  const startedAtMs = Date.now();
  let successes = 0;
  let ran = 0;
  let totalTimeMs = 0;
  let timedOut = false;
  let nextYield = performance.now() + YIELD_EVERY_MS;
  while (ran < count) {
    let error: unknown = undefined;
    let failed = false;
    let end = 0;
    const start = now();
    try {
      const result = fn();
      // Read the clock before looking at the result: a sync call's sample is the call alone.
      end = now();
      if (isThenable(result)) {
        if ((await Promise.race([result, timeoutRace()])) === TIMED_OUT) {
          timedOut = true;
          break; // the abandoned iteration is neither a sample nor a failure
        }
        end = now();
      }
    } catch (err) {
      end = now();
      failed = true;
      error = err;
    }
    const duration = end - start;
    ran++;
    totalTimeMs += duration;
    if (failed) countFailure(failures, error);
    else samples[successes++] = duration;
    if (end >= deadline && ran < count) {
      timedOut = true;
      break;
    }
    if (end >= nextYield) {
      onProgress?.({ phase, done: ran, total: count });
      await new Promise(setImmediate);
      nextYield = performance.now() + YIELD_EVERY_MS;
    }
  }
  onProgress?.({ phase, done: ran, total: count });
  return {
    samples: samples.subarray(0, successes),
    iterations: ran,
    totalTimeMs,
    failures: [...failures.values()].sort((a, b) => b.count - a.count),
    timedOut,
    startedAtMs,
  };
}

// Plain property checks: cheaper than a native isPromise call on every sync iteration, and any
// thenable a benchmark returns is work to wait for.
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function countFailure(failures: Map<string, BenchmarkFailure>, error: unknown): void {
  const errorType = errorTypeOf(error);
  const known = failures.get(errorType);
  if (known !== undefined) known.count++;
  else failures.set(errorType, { errorType, count: 1, firstMessage: messageOf(error) });
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return '(unprintable value)';
  }
}
