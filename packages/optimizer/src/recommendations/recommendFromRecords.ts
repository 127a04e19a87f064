import { COMPONENT_TYPES } from '@transcriber/instrumentation/componentType';
import { summarizeComponents, withQueryDatabase } from '@transcriber/queries';
import { OptimizerInputError } from '../optimizerInputError';
import { resolveBudgets, resolveThresholds, type LatencyBudget, type RecommendationThresholds } from './budgets';
import type { CheckContext } from './checkContext';
import { checkErrorRates } from './errorChecks';
import { checkGcTime } from './gcChecks';
import { checkLatencyBudgets } from './latencyChecks';
import { PRIORITY_ORDER, type RecommendationReport } from './recommendation';
import { checkResources } from './resourceChecks';

export interface RecommendationOptions {
  /** How far back to look, minutes. Default 60. */
  minutes?: number;
  /** Only this component, or `memory` / `event_loop`. */
  component?: string;
  /** Only this service's telemetry; default every service but benchmark runs' (the read side's rule). */
  service?: string;
  /** Per-component latency budgets; each replaces that component's default. */
  budgets?: Partial<Record<string, LatencyBudget>>;
  thresholds?: Partial<RecommendationThresholds>;
}

/** Components a recommendation can be about: the pipeline's, and the process-wide ones. */
export const RECOMMENDATION_COMPONENTS: readonly string[] = Object.freeze([...COMPONENT_TYPES, 'memory', 'event_loop']);

/**
 * Reads `performance_metrics.db` of `dataDir` and derives recommendations: latency against budgets,
 * error rates, memory growth, event-loop delay, GC time. Read-only: nothing is logged (that is
 * `ResourceOptimizer.getOptimizationRecommendations`'s part), so a viewer may call it as often as it
 * likes. Throws @transcriber/queries' `QueryError` when there is nothing to read or the file cannot
 * be read.
 */
export function recommendFromRecords(dataDir: string, options: RecommendationOptions = {}): RecommendationReport {
  const minutes = options.minutes ?? 60;
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0) {
    throw new OptimizerInputError(`invalid minutes ${JSON.stringify(minutes)}: expected a positive number`);
  }
  const component = options.component;
  if (component !== undefined && !RECOMMENDATION_COMPONENTS.includes(component)) {
    throw new OptimizerInputError(
      `unknown component ${JSON.stringify(component)}: expected one of ${RECOMMENDATION_COMPONENTS.join(', ')}`,
    );
  }
  const budgets = resolveBudgets(options.budgets);
  const thresholds = resolveThresholds(options.thresholds);
  const untilUs = Date.now() * 1000 + 1;
  const sinceUs = Math.round(untilUs - minutes * 60e6);
  return withQueryDatabase(dataDir, 'performance_metrics', (db) => {
    const service = options.service;
    const ctx: CheckContext = {
      db,
      sinceUs,
      untilUs,
      component,
      service,
      budgets,
      thresholds,
      recommendations: [],
      notes: [],
    };
    const summaries = summarizeComponents(db, { sinceUs, untilUs, component, service });
    if (summaries.length === 0 && component !== 'memory' && component !== 'event_loop') {
      ctx.notes.push(`no ${component ?? 'component'} operations recorded in the last ${minutes} minute(s)`);
    }
    checkLatencyBudgets(ctx, summaries);
    checkErrorRates(ctx, summaries);
    checkResources(ctx);
    checkGcTime(ctx);
    const recommendations = ctx.recommendations.sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority]);
    return { window: { minutes, sinceUs, untilUs }, recommendations, notes: ctx.notes };
  });
}
