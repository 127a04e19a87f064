import { errorBreakdown, type ComponentSummary } from '@transcriber/queries';
import { figure } from '../figure';
import { pct, wanted, type CheckContext } from './checkContext';
import { ERROR_ADVICE } from './componentAdvice';

/** Per component: recorded error rate against the thresholds, with the error types seen. */
export function checkErrorRates(ctx: CheckContext, summaries: readonly ComponentSummary[]): void {
  const { errorRate, errorRateHigh, minOperations } = ctx.thresholds;
  const failing = summaries.filter(
    (s) => wanted(ctx, s.component) && s.errors > 0 && s.count >= minOperations && s.errorRate >= errorRate,
  );
  if (failing.length === 0) return;
  // One read of the window's failed operations (all components at once, through the index of
  // failed spans) rather than one per failing component.
  const breakdown = errorBreakdown(ctx.db, {
    sinceUs: ctx.sinceUs,
    untilUs: ctx.untilUs,
    component: ctx.component,
    service: ctx.service,
  });
  for (const s of failing) {
    const types = breakdown.filter((e) => e.component === s.component).map((e) => `${e.errorType} ×${e.count}`);
    ctx.recommendations.push({
      id: `errors:${s.component}`,
      component: s.component,
      kind: 'errors',
      priority: s.errorRate >= errorRateHigh ? 'high' : 'medium',
      description: `${s.component} failed ${s.errors} of ${s.count} operations (${pct(s.errorRate)}; ${types.join(', ')}): ${ERROR_ADVICE}`,
      expectedImprovement: `-${pct(s.errorRate)} failed ${s.component} operations (${s.errors} of ${s.count} in the window) once the causes are handled`,
      improvementBasis: 'derived',
      evidence: {
        operations: figure(s.count, 'operations', 'measured'),
        errors: figure(s.errors, 'operations', 'measured'),
        errorRate: figure(s.errorRate, '1', 'derived'),
        threshold: figure(errorRate, '1', 'configured'),
        errorTypes: types,
      },
    });
  }
}
