import { METRIC_V8_GC_DURATION } from '@transcriber/instrumentation/names';
import { metricTotals } from '@transcriber/queries';
import { figure } from '../figure';
import { pct, wanted, type CheckContext } from './checkContext';

/** Share of wall time in GC pauses, from `v8js.gc.duration` when something records it. */
export function checkGcTime(ctx: CheckContext): void {
  if (!wanted(ctx, 'memory')) return;
  const totals = metricTotals(ctx.db, {
    name: METRIC_V8_GC_DURATION,
    sinceUs: ctx.sinceUs,
    untilUs: ctx.untilUs,
    service: ctx.service,
  });
  if (totals === undefined) {
    ctx.notes.push(
      `GC time not checked: no ${METRIC_V8_GC_DURATION} points were recorded in the window (the preload @transcriber/node/register records them, as does @opentelemetry/instrumentation-runtime-node)`,
    );
    return;
  }
  const gcSeconds = totals.unit === 'ms' ? totals.sum / 1000 : totals.sum;
  const wallSeconds = Math.max(1e-6, (totals.endUs - totals.startUs) / 1e6);
  const share = gcSeconds / wallSeconds;
  const { gcTimeShare, gcTimeShareHigh } = ctx.thresholds;
  if (share < gcTimeShare) {
    ctx.notes.push(
      `GC pauses took ${pct(share)} of wall time (${totals.count} collections), below ${pct(gcTimeShare)}`,
    );
    return;
  }
  ctx.recommendations.push({
    id: 'gc-time',
    component: 'memory',
    kind: 'gc-time',
    priority: share >= gcTimeShareHigh ? 'high' : 'medium',
    description: `garbage collection paused the process ${pct(share)} of the time (${totals.count} collections): allocate less per audio chunk (reuse buffers and typed arrays, avoid per-frame objects and JSON), and keep long-lived data out of the young generation`,
    expectedImprovement: `up to -${pct(share)} of wall time paused (${((gcSeconds / wallSeconds) * 60000).toFixed(0)} ms per minute)`,
    improvementBasis: 'derived',
    evidence: {
      collections: figure(totals.count, 'collections', 'measured'),
      gcTimeMs: figure(gcSeconds * 1000, 'ms', 'measured'),
      windowS: figure(wallSeconds, 's', 'measured'),
      gcShare: figure(share, '1', 'derived'),
      threshold: figure(gcTimeShare, '1', 'configured'),
    },
  });
}
