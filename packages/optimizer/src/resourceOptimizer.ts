import type { AudioSettingsInput } from './audio/audioSettings';
import { diag } from '@opentelemetry/api';
import {
  recommendResourceAllocation,
  type AllocationOptions,
  type ResourceAllocation,
} from './allocation/recommendResourceAllocation';
import type { AudioSettings } from './audio/audioSettings';
import {
  optimizeAudioProcessing,
  type AudioOptimizationOptions,
  type AudioOptimizationResult,
} from './audio/optimizeAudioProcessing';
import { processCaches, registerProcessCache } from './cache/processCaches';
import type { PurgeableCache } from './cache/purgeableCache';
import { OptimizationEventLog } from './events/optimizationEventLog';
import {
  optimizeMemoryUsage,
  type MemoryOptimizationOptions,
  type MemoryOptimizationResult,
} from './memory/optimizeMemoryUsage';
import { optimizeComponent, type ComponentOptimization } from './optimizeComponent';
import { OptimizerInputError } from './optimizerInputError';
import type { LatencyBudget, RecommendationThresholds } from './recommendations/budgets';
import type { Recommendation, RecommendationReport } from './recommendations/recommendation';
import { recommendFromRecords, type RecommendationOptions } from './recommendations/recommendFromRecords';

export interface ResourceOptimizerOptions {
  /** Run the safe optimizations (idle cache entries, garbage collection) every `optimizationInterval`. */
  enableAutoOptimization?: boolean;
  /** Seconds between automatic optimizations. Default 3600. */
  optimizationInterval?: number;
  /** Default latency budgets for recommendations (per component; each replaces that default). */
  budgets?: Partial<Record<string, LatencyBudget>>;
  /** Default thresholds for recommendations. */
  thresholds?: Partial<RecommendationThresholds>;
}

const DEFAULT_INTERVAL_S = 3600;

/**
 * Tunes audio settings by measurement, releases memory, recommends resource sizes and derives
 * recommendations from what was recorded in `dataDir`. Every optimization and recommendation is
 * logged as an OTel event (stored in `optimization_logs.db`). Nothing that changes the app's
 * behaviour is applied: settings come back as suggestions; only memory is acted on.
 */
export class ResourceOptimizer {
  readonly dataDir: string;
  private readonly options: ResourceOptimizerOptions;
  private readonly log: OptimizationEventLog;
  private timer: NodeJS.Timeout | undefined;
  private autoRound: Promise<void> | undefined;

  constructor(dataDir: string, options: ResourceOptimizerOptions = {}) {
    if (typeof dataDir !== 'string' || dataDir === '')
      throw new OptimizerInputError('ResourceOptimizer needs a data directory');
    this.dataDir = dataDir;
    this.options = options;
    this.log = new OptimizationEventLog(dataDir);
    if (options.enableAutoOptimization) this.startAutoOptimization(options.optimizationInterval ?? DEFAULT_INTERVAL_S);
  }

  /**
   * Lets memory optimizations purge `cache`. Registration is for the whole process (memory is the
   * process's): any optimizer in it, the preload's included, purges the cache. Returns a function
   * that unregisters it.
   */
  registerCache(cache: PurgeableCache): () => void {
    if (typeof cache?.purge !== 'function' || typeof cache.name !== 'string') {
      throw new OptimizerInputError('registerCache needs an object with a name and a purge(idleForMs?) method');
    }
    return registerProcessCache(cache);
  }

  /**
   * Suggests sample rate and chunk size. With `options.workload`, every candidate is measured
   * (latency per chunk p50/p95, real-time factor) and the best within the latency budget returned
   * with before/after figures; without, documented heuristics (basis `heuristic`) apply.
   */
  optimizeAudioProcessing(
    settings: AudioSettingsInput,
    options: AudioOptimizationOptions = {},
  ): Promise<AudioOptimizationResult> {
    return this.audio(undefined, settings, options);
  }

  /** Purges registered caches and collects garbage; `freedMb` is measured from heap and external memory. */
  async optimizeMemoryUsage(options: MemoryOptimizationOptions = {}): Promise<MemoryOptimizationResult> {
    return this.memory(options, 'manual');
  }

  /** Measures CPU and event-loop utilisation and recommends workers, libuv pool size and concurrency. */
  async recommendResourceAllocation(options: AllocationOptions = {}): Promise<ResourceAllocation> {
    const allocation = await recommendResourceAllocation(options);
    this.log.recommendation(allocationRecommendation(allocation));
    return allocation;
  }

  /** Recommendations derived from the data recorded in `performance_metrics.db` (see {@link RecommendationReport}). */
  getOptimizationRecommendations(options: RecommendationOptions = {}): RecommendationReport {
    const report = recommendFromRecords(this.dataDir, {
      ...options,
      budgets: { ...this.options.budgets, ...options.budgets },
      thresholds: { ...this.options.thresholds, ...options.thresholds },
    });
    for (const recommendation of report.recommendations) this.log.recommendation(recommendation);
    return report;
  }

  /** Runs the optimizer of one component (audio_capture, vad, audio_output, memory, pipeline); see `ComponentOptimization`. */
  optimizeComponent(
    component: string,
    settings?: unknown,
    options: AudioOptimizationOptions = {},
  ): Promise<ComponentOptimization> {
    return optimizeComponent(
      {
        audio: (c, s, o) => this.audio(c, s, o),
        memory: (o) => this.memory(o, 'manual'),
        allocation: (o) => this.recommendResourceAllocation(o),
      },
      component,
      settings,
      options,
    );
  }

  /** Starts the automatic safe optimizations (an unref'd timer: it never keeps the process alive). */
  startAutoOptimization(intervalSeconds: number = this.options.optimizationInterval ?? DEFAULT_INTERVAL_S): void {
    if (typeof intervalSeconds !== 'number' || !Number.isFinite(intervalSeconds) || intervalSeconds <= 0) {
      throw new OptimizerInputError(
        `invalid optimizationInterval ${String(intervalSeconds)}: expected a positive number of seconds`,
      );
    }
    this.stopAutoOptimization();
    const intervalMs = Math.max(10, intervalSeconds * 1000);
    this.timer = setInterval(() => {
      // One round at a time: a round still collecting garbage is not doubled up.
      this.autoRound ??= this.autoOptimize(intervalMs).finally(() => (this.autoRound = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  stopAutoOptimization(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves when every event emitted so far is stored. */
  flush(): Promise<void> {
    return this.log.flush();
  }

  /**
   * Stops automatic optimization, waits for a round in progress, and flushes the log. The optimizer
   * can still be used afterwards.
   */
  async shutdown(): Promise<void> {
    this.stopAutoOptimization();
    await this.autoRound;
    await this.log.shutdown();
  }

  /**
   * One automatic round: only cache entries unused for a whole interval are dropped (a model in
   * use is never taken away from the app), then garbage is collected.
   */
  private async autoOptimize(intervalMs: number): Promise<void> {
    try {
      await this.memory({ purge: 'idle', idleMs: intervalMs }, 'auto');
    } catch (err) {
      diag.error('transcriber: automatic optimization failed', err);
    }
  }

  private async memory(
    options: MemoryOptimizationOptions,
    trigger: 'manual' | 'auto',
  ): Promise<MemoryOptimizationResult> {
    const result = await optimizeMemoryUsage(processCaches(), options);
    const purged = result.actions.filter((a) => a.action === 'purge-cache' && 'entries' in a) as {
      entries: number;
      accountedMb: number;
    }[];
    const gc = result.actions.find((a) => a.action === 'gc');
    const steps = [
      `purged ${purged.length} cache(s): ${purged.reduce((n, a) => n + a.entries, 0)} entries, ${purged.reduce((n, a) => n + a.accountedMb, 0).toFixed(1)} MiB accounted`,
      gc === undefined
        ? 'no garbage collection'
        : 'method' in gc
          ? `full GC via ${gc.method} (${gc.durationMs.toFixed(1)} ms)`
          : `GC failed: ${gc.error}`,
    ];
    this.log.action({
      kind: 'memory',
      component: 'memory',
      description: `${trigger} memory optimization: ${steps.join('; ')}`,
      before: result.before,
      after: result.after,
      improvement: `freed ${result.freedMb.toFixed(1)} MiB in use (heap + external), RSS ${signed(-result.rssFreedMb)} MiB`,
      improvementBasis: 'measured',
      success: !result.actions.some((a) => 'error' in a),
      details: { trigger, actions: result.actions },
    });
    return result;
  }

  private async audio(
    component: string | undefined,
    settings: unknown,
    options: AudioOptimizationOptions,
  ): Promise<AudioOptimizationResult> {
    const result = await optimizeAudioProcessing(settings, options);
    this.log.action({
      kind: 'audio_processing',
      component,
      description: `${result.basis} audio tuning${component === undefined ? '' : ` for ${component}`}: ${describeAudio(result.previous)} → ${describeAudio(result.settings)}${result.changed ? '' : ' (unchanged)'}; ${result.reasons[0]}`,
      before: result.before ?? result.previous,
      after: result.after ?? result.settings,
      improvement: result.improvement?.summary ?? 'not measured (heuristic: no workload given)',
      improvementBasis: result.basis === 'measured' ? 'measured' : 'heuristic',
      success: result.meetsBudget ?? true,
      details: { latencyBudgetMs: result.latencyBudgetMs, reasons: result.reasons },
    });
    return result;
  }
}

function describeAudio(s: AudioSettings): string {
  return `${s.sampleRate} Hz × ${s.chunkSize} frames (${s.chunkDurationMs} ms, ${s.channels} ch)`;
}

function signed(value: number): string {
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}`;
}

/** The allocation advice as a recommendation for the log. */
function allocationRecommendation(a: ResourceAllocation): Recommendation {
  const changes = [
    a.workerThreads.recommended ? `${a.workerThreads.recommended} worker thread(s)` : undefined,
    a.uvThreadpoolSize.recommended !== a.uvThreadpoolSize.current
      ? `UV_THREADPOOL_SIZE=${a.uvThreadpoolSize.recommended}`
      : undefined,
    a.concurrency.recommended !== undefined && a.concurrency.recommended !== a.concurrency.current
      ? `${a.concurrency.recommended} concurrent session(s)`
      : undefined,
  ].filter((c): c is string => c !== undefined);
  return {
    id: 'allocation:pipeline',
    component: 'pipeline',
    kind: 'resource_allocation',
    priority: changes.length === 0 ? 'low' : a.eventLoopUtilization.value >= 0.7 ? 'high' : 'medium',
    description: `${changes.length === 0 ? 'keep the current allocation' : changes.join(', ')}: ${[a.workerThreads.reason, a.uvThreadpoolSize.reason, a.concurrency.reason].join('; ')}`,
    expectedImprovement: `not estimated: depends on how much of the measured load (event loop ${(a.eventLoopUtilization.value * 100).toFixed(0)}% busy, ${a.processCpu.value.toFixed(2)} of ${a.cores.value} cores) moves`,
    improvementBasis: 'heuristic',
    evidence: {
      cores: a.cores,
      processCpu: a.processCpu,
      eventLoopUtilization: a.eventLoopUtilization,
      sampleMs: { value: a.sampleMs, unit: 'ms', basis: 'measured' },
    },
  };
}
