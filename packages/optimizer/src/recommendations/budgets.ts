import { COMPONENT_TYPES } from '@transcriber/instrumentation/componentType';
import { MARK_FIRST_AUDIO_BYTE, MARK_FIRST_TOKEN } from '@transcriber/instrumentation/names';
import { OptimizerInputError } from '../optimizerInputError';

/**
 * A latency budget for a component's p95: of the whole operation, or, with `mark`, of the time from
 * its start to that mark (`handle.mark(name)`), e.g. an LLM's time to first token.
 */
export interface LatencyBudget {
  p95Ms: number;
  mark?: string;
}

/**
 * Default budgets, from voice-agent practice: a turn (user stops speaking → first agent audio) is
 * aimed at 500–800 ms, shared out as roughly VAD/endpointing, STT, LLM time to first token, TTS time
 * to first audio. VAD must keep up with 10–30 ms frames; STT's final transcript within ~500 ms of
 * end of speech; first token and first audio byte are what the user waits for, not the whole answer.
 * Audio capture/output have none: their operations last as long as the audio they carry.
 */
export const DEFAULT_LATENCY_BUDGETS: Readonly<Record<string, LatencyBudget>> = Object.freeze({
  vad: { p95Ms: 30 },
  stt: { p95Ms: 500 },
  llm: { p95Ms: 500, mark: MARK_FIRST_TOKEN },
  tts: { p95Ms: 300, mark: MARK_FIRST_AUDIO_BYTE },
});

/** When recorded data becomes a recommendation. */
export interface RecommendationThresholds {
  /** Components with fewer operations in the window are not judged. Default 5. */
  minOperations: number;
  /** Error rate (0–1) that earns a recommendation (default 0.01), and a high priority (default 0.05). */
  errorRate: number;
  errorRateHigh: number;
  /** Rise of memory in use after GC across the window, MiB. Default 20. */
  memoryGrowthMb: number;
  /**
   * Event-loop delay (p99 per interval, in the worst 5% of intervals), ms. Default 20: one 20 ms
   * audio frame. High priority from 100 ms.
   */
  eventLoopDelayMs: number;
  eventLoopDelayHighMs: number;
  /** Share of wall time in GC pauses (0–1). Default 0.05, high from 0.15. */
  gcTimeShare: number;
  gcTimeShareHigh: number;
  /**
   * Share (0–1) of an over-budget component's operation time the event loop must have been busy
   * for the advice to be to compute faster; below it the operations wait. Default 0.5.
   */
  computeBusyShare: number;
}

export const DEFAULT_THRESHOLDS: Readonly<RecommendationThresholds> = Object.freeze({
  minOperations: 5,
  errorRate: 0.01,
  errorRateHigh: 0.05,
  memoryGrowthMb: 20,
  eventLoopDelayMs: 20,
  eventLoopDelayHighMs: 100,
  gcTimeShare: 0.05,
  gcTimeShareHigh: 0.15,
  computeBusyShare: 0.5,
});

/** Defaults overlaid with the caller's budgets, checked. */
export function resolveBudgets(given: unknown): Record<string, LatencyBudget> {
  if (given === undefined) return { ...DEFAULT_LATENCY_BUDGETS };
  if (typeof given !== 'object' || given === null)
    throw new OptimizerInputError('budgets must be an object keyed by component');
  const budgets: Record<string, LatencyBudget> = { ...DEFAULT_LATENCY_BUDGETS };
  for (const [component, budget] of Object.entries(given)) {
    if (!(COMPONENT_TYPES as readonly string[]).includes(component)) {
      throw new OptimizerInputError(
        `budget for unknown component "${component}": expected one of ${COMPONENT_TYPES.join(', ')}`,
      );
    }
    const b = budget as Partial<LatencyBudget> | null;
    if (
      typeof b !== 'object' ||
      b === null ||
      typeof b.p95Ms !== 'number' ||
      !Number.isFinite(b.p95Ms) ||
      b.p95Ms <= 0
    ) {
      throw new OptimizerInputError(
        `invalid budget for ${component} ${JSON.stringify(budget)}: expected { p95Ms: a positive number, mark?: a span event name }`,
      );
    }
    if (b.mark !== undefined && (typeof b.mark !== 'string' || b.mark === '')) {
      throw new OptimizerInputError(
        `invalid budget mark for ${component} ${JSON.stringify(b.mark)}: expected a span event name`,
      );
    }
    budgets[component] = b.mark === undefined ? { p95Ms: b.p95Ms } : { p95Ms: b.p95Ms, mark: b.mark };
  }
  return budgets;
}

/** Defaults overlaid with the caller's thresholds, checked. */
export function resolveThresholds(given: unknown): RecommendationThresholds {
  if (given === undefined) return { ...DEFAULT_THRESHOLDS };
  if (typeof given !== 'object' || given === null) throw new OptimizerInputError('thresholds must be an object');
  const thresholds: RecommendationThresholds = { ...DEFAULT_THRESHOLDS };
  for (const [key, value] of Object.entries(given)) {
    if (!(key in DEFAULT_THRESHOLDS)) {
      throw new OptimizerInputError(
        `unknown threshold "${key}": expected one of ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new OptimizerInputError(`invalid threshold ${key} ${JSON.stringify(value)}: expected a number ≥ 0`);
    }
    thresholds[key as keyof RecommendationThresholds] = value;
  }
  return thresholds;
}
