import type { withQueryDatabase } from '@transcriber/queries';
import type { LatencyBudget, RecommendationThresholds } from './budgets';
import type { Recommendation } from './recommendation';

/** What every check reads, and where it puts its findings. */
export interface CheckContext {
  readonly db: Parameters<Parameters<typeof withQueryDatabase>[2]>[0];
  readonly sinceUs: number;
  readonly untilUs: number;
  /** Only this component (or `memory` / `event_loop`), when given. */
  readonly component: string | undefined;
  /** Only this service's telemetry; undefined: every service but benchmark runs'. */
  readonly service: string | undefined;
  readonly budgets: Readonly<Record<string, LatencyBudget>>;
  readonly thresholds: RecommendationThresholds;
  readonly recommendations: Recommendation[];
  readonly notes: string[];
}

/** Whether a check about `component` applies under the context's filter. */
export function wanted(ctx: CheckContext, component: string): boolean {
  return ctx.component === undefined || ctx.component === component;
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}
