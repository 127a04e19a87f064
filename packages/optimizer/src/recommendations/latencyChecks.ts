import { loopBusy, markLatencies, newestStart, recentOperations, type ComponentSummary } from '@transcriber/queries';
import { figure, percentChange, type Figure } from '../figure';
import type { LatencyBudget } from './budgets';
import { ms, pct, wanted, type CheckContext } from './checkContext';
import { LATENCY_ADVICE, PACED_BY_AUDIO } from './componentAdvice';
import type { Priority, Recommendation } from './recommendation';

/**
 * Times to a mark are read from each operation's events (a table row each, ~0.5 µs): over a window
 * with more operations than this, from its newest this many (the CLI benchmark's hour has 111,000
 * LLM operations: 60 ms each for LLM and TTS otherwise). Plenty for a p95.
 */
export const MAX_MARKED_OPERATIONS = 5000;

/** Per component with a budget: recorded p95 (of the operation, or up to its mark) against the budget. */
export function checkLatencyBudgets(ctx: CheckContext, summaries: readonly ComponentSummary[]): void {
  for (const [component, budget] of Object.entries(ctx.budgets)) {
    if (!wanted(ctx, component)) continue;
    const summary = summaries.find((s) => s.component === component);
    if (summary === undefined) continue; // nothing recorded: nothing to judge, nothing worth a note
    if (budget.mark === undefined) {
      judge(ctx, component, budget, summary.count, summary, 'operation');
      continue;
    }
    const sinceUs = newestStart(ctx.db, {
      component,
      sinceUs: ctx.sinceUs,
      untilUs: ctx.untilUs,
      count: MAX_MARKED_OPERATIONS,
      service: ctx.service,
    });
    const marked = markLatencies(ctx.db, {
      sinceUs,
      untilUs: ctx.untilUs,
      service: ctx.service,
      mark: budget.mark,
      component,
    })[0];
    if (marked === undefined) {
      ctx.notes.push(
        `${component}: no "${budget.mark}" marks recorded, so its ${budget.p95Ms} ms budget to ${budget.mark} was not checked (mark it with op.mark('${budget.mark}'))`,
      );
      continue;
    }
    judge(ctx, component, budget, marked.count, marked, `time to ${budget.mark}`);
  }
}

function judge(
  ctx: CheckContext,
  component: string,
  budget: LatencyBudget,
  count: number,
  stats: { p50Ms: number; p95Ms: number; p99Ms: number },
  what: string,
): void {
  if (count < ctx.thresholds.minOperations) {
    ctx.notes.push(
      `${component}: ${count} operation(s) recorded, fewer than ${ctx.thresholds.minOperations}: latency not judged`,
    );
    return;
  }
  if (stats.p95Ms <= budget.p95Ms) {
    ctx.notes.push(
      `${component}: p95 ${what} ${ms(stats.p95Ms)} is within its ${budget.p95Ms} ms budget (${count} operations)`,
    );
    return;
  }
  const over = stats.p95Ms - budget.p95Ms;
  const slowest = recentOperations(ctx.db, {
    sinceUs: ctx.sinceUs,
    untilUs: ctx.untilUs,
    service: ctx.service,
    component,
    order: 'slowest',
    limit: 3,
  }).map((op) => `${op.traceId} (${ms(op.durationMs)})`);
  // Does it compute or wait? The advice, and whether it is urgent, rest on it.
  const loop = loopBusy(ctx.db, { sinceUs: ctx.sinceUs, untilUs: ctx.untilUs, service: ctx.service, component });
  const doing =
    loop === undefined ? 'unknown' : loop.busyShare >= ctx.thresholds.computeBusyShare ? 'computes' : 'waits';
  const advice = (LATENCY_ADVICE[component] ?? LATENCY_ADVICE.pipeline)[doing];
  let priority: Priority = stats.p95Ms >= 2 * budget.p95Ms ? 'high' : 'medium';
  // Waiting for the audio itself (the user's speech, playback) is what such an operation is for.
  if (doing === 'waits' && PACED_BY_AUDIO.has(component)) priority = 'low';
  const loopEvidence: Record<string, Figure> =
    loop === undefined
      ? {}
      : {
          loopBusyShare: figure(loop.busyShare, 'share', 'measured'),
          loopBusyMsPerOperation: figure((loop.durationMs - loop.idleMs) / loop.operations, 'ms', 'derived'),
          computeBusyShare: figure(ctx.thresholds.computeBusyShare, 'share', 'configured'),
        };
  const busy = loop === undefined ? '' : ` (the event loop busy ${pct(loop.busyShare)} of its time)`;
  const recommendation: Recommendation = {
    id: `latency:${component}`,
    component,
    kind: 'latency',
    priority,
    description: `${component} p95 ${what} is ${ms(stats.p95Ms)}, over its ${budget.p95Ms} ms budget${busy}: ${advice}`,
    expectedImprovement: `-${ms(over)} p95 ${what} (${percentChange(stats.p95Ms, budget.p95Ms)}) per ${component} operation once within budget`,
    improvementBasis: 'derived',
    evidence: {
      operations: figure(count, 'operations', 'measured'),
      p50Ms: figure(stats.p50Ms, 'ms', 'measured'),
      p95Ms: figure(stats.p95Ms, 'ms', 'measured'),
      p99Ms: figure(stats.p99Ms, 'ms', 'measured'),
      budgetP95Ms: figure(budget.p95Ms, 'ms', 'configured'),
      overBudgetMs: figure(over, 'ms', 'derived'),
      measuredAs: what,
      ...loopEvidence,
      slowestTraces: slowest,
    },
  };
  ctx.recommendations.push(recommendation);
}
