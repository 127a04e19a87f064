import * as os from 'node:os';
import { figure, type Basis, type Figure } from '../figure';
import { OptimizerInputError } from '../optimizerInputError';

export interface AllocationOptions {
  /** How long CPU and event-loop utilisation are measured, ms. Default 1000. */
  sampleMs?: number;
  /** Sessions (concurrent conversations) the process handled while measuring, to scale from. */
  currentConcurrency?: number;
  /** Utilisation to size for, 0–1. Default 0.7: delays grow steeply as a loop nears full use. */
  targetUtilization?: number;
}

/** One recommended size, with its reason and basis. */
export interface AllocationAdvice {
  current?: number;
  recommended?: number;
  reason: string;
  basis: Basis;
}

export interface ResourceAllocation {
  cores: Figure;
  /** Process CPU time over the sample, in cores (1 = one core busy). */
  processCpu: Figure;
  /** Share of the sample the main thread's event loop was busy (0–1). */
  eventLoopUtilization: Figure;
  sampleMs: number;
  workerThreads: AllocationAdvice;
  uvThreadpoolSize: AllocationAdvice;
  concurrency: AllocationAdvice;
}

/** libuv's pool size when UV_THREADPOOL_SIZE is not set. */
export const DEFAULT_UV_THREADPOOL_SIZE = 4;
/** Above this event-loop utilisation the main thread is the bottleneck. */
const BUSY_LOOP = 0.7;

/**
 * Measures CPU (`process.cpuUsage`) and event-loop utilisation (`performance.eventLoopUtilization`)
 * over `sampleMs` while the app runs, and recommends worker threads, the libuv pool size and the
 * number of concurrent sessions. Nothing is applied: UV_THREADPOOL_SIZE only takes effect when set
 * before the process starts, and the others are the app's design.
 */
export async function recommendResourceAllocation(options: AllocationOptions = {}): Promise<ResourceAllocation> {
  const sampleMs = options.sampleMs ?? 1000;
  if (typeof sampleMs !== 'number' || !Number.isFinite(sampleMs) || sampleMs < 10) {
    throw new OptimizerInputError(`invalid sampleMs ${String(sampleMs)}: expected at least 10 ms`);
  }
  const target = options.targetUtilization ?? 0.7;
  if (typeof target !== 'number' || !(target > 0 && target <= 1)) {
    throw new OptimizerInputError(
      `invalid targetUtilization ${String(target)}: expected a number above 0 and at most 1`,
    );
  }
  const current = options.currentConcurrency;
  if (current !== undefined && (typeof current !== 'number' || !Number.isInteger(current) || current < 1)) {
    throw new OptimizerInputError(
      `invalid currentConcurrency ${String(current)}: expected a whole number of at least 1`,
    );
  }
  const cores = os.availableParallelism();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const cpuUs = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  const processCpu = (cpuUs.user + cpuUs.system) / 1000 / wallMs;
  return {
    cores: figure(cores, 'cores', 'measured'),
    processCpu: figure(processCpu, 'cores', 'measured'),
    eventLoopUtilization: figure(elu, '1', 'measured'),
    sampleMs: Math.round(wallMs),
    workerThreads: workerAdvice(cores, elu, processCpu),
    uvThreadpoolSize: threadpoolAdvice(cores),
    concurrency: concurrencyAdvice(cores, elu, processCpu, target, current),
  };
}

function workerAdvice(cores: number, elu: number, cpu: number): AllocationAdvice {
  if (cpu >= cores * 0.9) {
    return {
      recommended: 0,
      reason: `the process already uses ${cpu.toFixed(2)} of ${cores} cores: more threads cannot add CPU; move sessions to another process or machine`,
      basis: 'heuristic',
    };
  }
  if (elu >= BUSY_LOOP) {
    const workers = Math.max(1, cores - 1);
    return {
      recommended: workers,
      reason: `the main thread's event loop was busy ${(elu * 100).toFixed(0)}% of the time: move CPU-bound stages (VAD, resampling, local STT/TTS inference) to ${workers} worker thread(s), one per core besides the main thread's`,
      basis: 'heuristic',
    };
  }
  return {
    recommended: 0,
    reason: `the event loop was busy ${(elu * 100).toFixed(0)}% of the time (below ${BUSY_LOOP * 100}%): the main thread has headroom, workers would only add hand-off latency`,
    basis: 'heuristic',
  };
}

function threadpoolAdvice(cores: number): AllocationAdvice {
  const raw = process.env.UV_THREADPOOL_SIZE;
  const parsed = raw === undefined ? NaN : Number.parseInt(raw, 10);
  const current = Number.isInteger(parsed) && parsed > 0 ? Math.min(parsed, 1024) : DEFAULT_UV_THREADPOOL_SIZE;
  const recommended = Math.max(DEFAULT_UV_THREADPOOL_SIZE, cores);
  const reason =
    recommended > current
      ? `${cores} cores but ${current} pool threads: file, DNS, zlib and crypto work queues behind ${current}; set UV_THREADPOOL_SIZE=${recommended} before the process starts`
      : `${current} pool threads for ${cores} cores: enough for file, DNS, zlib and crypto work (more help only when pool work waits on slow storage or DNS)`;
  return { current, recommended, reason, basis: 'heuristic' };
}

function concurrencyAdvice(
  cores: number,
  elu: number,
  cpu: number,
  target: number,
  current: number | undefined,
): AllocationAdvice {
  // The busier of the two limits: the main thread, or the machine's cores.
  const load = Math.max(elu, cpu / cores);
  if (current === undefined) {
    return {
      reason: `pass currentConcurrency (sessions handled while measuring) to scale it; measured load is ${(load * 100).toFixed(0)}% of capacity`,
      basis: 'derived',
    };
  }
  const recommended = load <= 0 ? current : Math.max(1, Math.floor((current * target) / load));
  return {
    current,
    recommended,
    reason: `${current} session(s) used ${(load * 100).toFixed(0)}% of capacity (the busier of event loop and ${cores} cores); sized for ${(target * 100).toFixed(0)}%, assuming load grows in proportion to sessions`,
    basis: 'derived',
  };
}
