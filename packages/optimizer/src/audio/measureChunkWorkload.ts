import { errorTypeOf } from '@transcriber/instrumentation';
import { percentileOfSorted } from '@transcriber/queries';
import { isPromise } from 'node:util/types';
import { OptimizerInputError } from '../optimizerInputError';
import type { AudioSettings } from './audioSettings';
import { testSignalChunks } from './testSignal';

/**
 * Processes one chunk of audio (interleaved float samples, `settings.chunkSize × channels` long):
 * a VAD step, a resampler, a feature extractor. Sync or async; its result is ignored.
 */
export type ChunkWorkload = (chunk: Float32Array, settings: AudioSettings) => unknown;

/** How long each candidate is measured. */
export interface MeasurementOptions {
  /** Measuring time per candidate, ms, spread over the rounds. Default 150. */
  timePerCandidateMs?: number;
  /** At least this many timed chunks per candidate, however long they take. Default 12. */
  minIterations?: number;
  /** Untimed chunks per candidate before the first round (JIT, caches). Default 3. */
  warmupIterations?: number;
  /**
   * Candidates are measured in turn, this many times over, so a burst of load from elsewhere on the
   * machine is shared between them instead of landing on one. Default 3.
   */
  rounds?: number;
}

/**
 * What one candidate measured. Processing times are per chunk, ms: wall time (what the audio
 * waits) and the process's CPU time (what the work costs, whatever else the machine is doing).
 */
export interface CandidateMeasurement {
  settings: AudioSettings;
  /** `errored` when the workload threw for these settings (e.g. a VAD that takes only 10/20/30 ms frames). */
  state: 'completed' | 'errored';
  error?: string;
  basis: 'measured';
  iterations: number;
  processingMeanMs: number;
  processingP50Ms: number;
  processingP95Ms: number;
  /** Processing time ÷ audio duration, from the mean: below 1 keeps up with real time. */
  realTimeFactor: number;
  /**
   * The same from the median: what candidates are compared by, since a stall from elsewhere on a
   * shared machine lands on whichever candidate happens to be running and would skew its mean.
   */
  realTimeFactorP50: number;
  realTimeFactorP95: number;
  /**
   * Median CPU time per chunk, ms: the whole process's, so for async work it includes whatever
   * else ran meanwhile, on any thread.
   */
  cpuP50Ms: number;
  /** Median CPU time ÷ audio duration: the CPU one second of audio costs at these settings. */
  cpuRealTimeFactorP50: number;
  /**
   * Median share of a chunk's wall time that the event loop was busy (the workload computing on
   * this thread) rather than waiting (a timer, a socket, another thread's work): 1 for sync work.
   * Unlike CPU time, other threads cannot inflate it.
   */
  eventLoopBusyShareP50: number;
  /**
   * Latency a sample sees from these settings: waiting for its chunk to fill (the chunk duration)
   * plus the p95 processing time of the chunk.
   */
  latencyP95Ms: number;
  keepsUp: boolean;
}

const CHUNKS_IN_SIGNAL = 16;

/** Runs `workload` on each candidate's test signal and times every chunk. */
export async function measureCandidates(
  workload: ChunkWorkload,
  candidates: readonly AudioSettings[],
  options: MeasurementOptions = {},
): Promise<CandidateMeasurement[]> {
  if (typeof workload !== 'function') throw new OptimizerInputError('workload must be a function processing one chunk');
  const timePerCandidateMs = positive(options.timePerCandidateMs ?? 150, 'timePerCandidateMs');
  const minIterations = whole(options.minIterations ?? 12, 'minIterations', 1);
  const warmup = whole(options.warmupIterations ?? 3, 'warmupIterations', 0);
  const rounds = whole(options.rounds ?? 3, 'rounds', 1);
  const runs = candidates.map((settings) => ({
    settings,
    chunks: testSignalChunks(settings, CHUNKS_IN_SIGNAL),
    samples: [] as Timing[],
    error: undefined as string | undefined,
  }));
  for (const run of runs) {
    try {
      for (let i = 0; i < warmup; i++) await runOnce(workload, run.chunks[i % CHUNKS_IN_SIGNAL], run.settings);
    } catch (err) {
      run.error = describeError(err);
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const run of runs) {
      if (run.error !== undefined) continue;
      // Yield between candidates: a sync workload would otherwise hold the event loop for the whole call.
      await new Promise((resolve) => setImmediate(resolve));
      const until = performance.now() + timePerCandidateMs / rounds;
      const minThisRound = Math.ceil(minIterations / rounds);
      let done = 0;
      try {
        while (done < minThisRound || performance.now() < until) {
          run.samples.push(await timeOnce(workload, run.chunks[run.samples.length % CHUNKS_IN_SIGNAL], run.settings));
          done++;
        }
      } catch (err) {
        run.error = describeError(err);
      }
    }
  }
  return runs.map((run) => summarize(run.settings, run.samples, run.error));
}

async function runOnce(workload: ChunkWorkload, chunk: Float32Array, settings: AudioSettings): Promise<void> {
  const result = workload(chunk, settings);
  if (isPromise(result)) await result;
}

interface Timing {
  wallMs: number;
  cpuMs: number;
  eventLoopBusyShare: number;
}

async function timeOnce(workload: ChunkWorkload, chunk: Float32Array, settings: AudioSettings): Promise<Timing> {
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const start = performance.now();
  const result = workload(chunk, settings);
  if (isPromise(result)) await result;
  const wallMs = performance.now() - start;
  // Idle time is the loop's wait for events, so a sync call (no wait) reads as fully busy.
  const { idle } = performance.eventLoopUtilization(loop);
  const used = process.cpuUsage(cpu);
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    eventLoopBusyShare: wallMs > 0 ? Math.max(0, 1 - idle / wallMs) : 1,
  };
}

function summarize(settings: AudioSettings, samples: Timing[], error: string | undefined): CandidateMeasurement {
  const sorted = Float64Array.from(samples, (s) => s.wallMs).sort();
  const medianOf = (value: (s: Timing) => number) => percentileOfSorted(Float64Array.from(samples, value).sort(), 50);
  const cpuP50 = medianOf((s) => s.cpuMs);
  const mean = sorted.length === 0 ? NaN : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const p95 = percentileOfSorted(sorted, 95);
  const duration = settings.chunkDurationMs;
  const measurement: CandidateMeasurement = {
    settings,
    state: error === undefined ? 'completed' : 'errored',
    basis: 'measured',
    iterations: sorted.length,
    processingMeanMs: mean,
    processingP50Ms: percentileOfSorted(sorted, 50),
    processingP95Ms: p95,
    realTimeFactor: mean / duration,
    realTimeFactorP50: percentileOfSorted(sorted, 50) / duration,
    realTimeFactorP95: p95 / duration,
    cpuP50Ms: cpuP50,
    cpuRealTimeFactorP50: cpuP50 / duration,
    eventLoopBusyShareP50: medianOf((s) => s.eventLoopBusyShare),
    latencyP95Ms: duration + p95,
    keepsUp: error === undefined && mean / duration < 1,
  };
  if (error !== undefined) measurement.error = error;
  return measurement;
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${errorTypeOf(err)}: ${err.message}` : String(err);
}

function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new OptimizerInputError(`invalid ${name} ${String(value)}: expected a positive number of ms`);
  }
  return value;
}

function whole(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new OptimizerInputError(`invalid ${name} ${String(value)}: expected a whole number of at least ${min}`);
  }
  return value;
}
