import { trace, type SpanContext } from '@opentelemetry/api';
import { getTrace, openForQuery, QueryError, type TraceSpan } from '@transcriber/queries';
import { SqliteStorage } from '@transcriber/storage';
import type { ComponentShare } from '../types';

export type PipelineBreakdown = { shares: ComponentShare[] } | { unavailable: string };

/**
 * Each component's share of a pipeline benchmark, from the spans recorded under the measured
 * iterations' root spans (`roots`) and written to `<dataDir>/performance_metrics.db`. A span's
 * self time is its duration less its direct children's; summed per component and divided by the
 * roots' total, it says where the time went without counting nested operations twice.
 */
export async function pipelineBreakdown(
  dataDir: string,
  roots: readonly SpanContext[],
  flushSpans: () => Promise<void>,
): Promise<PipelineBreakdown> {
  if (roots.length === 0) {
    return {
      unavailable:
        'no spans were recorded: no OpenTelemetry SDK runs in this process (run through `transcriber benchmark`, or call PerformanceIntegration.initialize() first)',
    };
  }
  await flushSpans();
  // Flushing normally leaves every span written. When it cannot (the spans' writer belongs to
  // another copy of the exporter package, or writes from another thread or process), the roots
  // appear a little later: wait for them, briefly, then take what is there.
  const deadline = Date.now() + VISIBLE_WITHIN_MS;
  for (;;) {
    let spansByTrace: Map<string, TraceSpan[]> | undefined;
    let failure: QueryError | undefined;
    try {
      spansByTrace = readTraces(dataDir, roots);
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      failure = err;
    }
    const complete =
      spansByTrace !== undefined &&
      roots.every((root) => spansByTrace.get(root.traceId)?.some((span) => span.spanId === root.spanId));
    if (complete || Date.now() >= deadline) {
      if (spansByTrace === undefined) return { unavailable: `the run's spans could not be read: ${failure?.message}` };
      return sharesOf(roots, spansByTrace, dataDir);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const VISIBLE_WITHIN_MS = 2000;

function readTraces(dataDir: string, roots: readonly SpanContext[]): Map<string, TraceSpan[]> {
  const db = openForQuery(dataDir, 'performance_metrics');
  try {
    return new Map([...new Set(roots.map((r) => r.traceId))].map((id) => [id, getTrace(db, id)]));
  } finally {
    db.close();
  }
}

function sharesOf(
  roots: readonly SpanContext[],
  spansByTrace: Map<string, TraceSpan[]>,
  dataDir: string,
): PipelineBreakdown {
  const byComponent = new Map<string, ComponentShare>();
  let pipelineMs = 0;
  let found = 0;
  const indexes = new Map<string, TraceIndex>();
  for (const root of roots) {
    let index = indexes.get(root.traceId);
    if (index === undefined) indexes.set(root.traceId, (index = indexTrace(spansByTrace.get(root.traceId) ?? [])));
    const { children } = index;
    const rootSpan = index.byId.get(root.spanId);
    if (rootSpan === undefined) continue;
    found++;
    pipelineMs += rootSpan.durationMs;
    const pending = [rootSpan];
    for (let span = pending.pop(); span !== undefined; span = pending.pop()) {
      const kids = children.get(span.spanId) ?? [];
      pending.push(...kids);
      const childMs = kids.reduce((sum, kid) => sum + kid.durationMs, 0);
      const component = span.component ?? 'other';
      let share = byComponent.get(component);
      if (share === undefined) {
        share = { component, spans: 0, totalMs: 0, selfMs: 0, avgSelfMsPerIteration: 0, sharePercent: 0 };
        byComponent.set(component, share);
      }
      share.spans++;
      share.totalMs += span.durationMs;
      // Concurrent children can add up to more than their parent: the parent then has no self time.
      share.selfMs += Math.max(0, span.durationMs - childMs);
    }
  }
  if (found === 0) {
    return {
      unavailable: `none of the run's ${roots.length} pipeline spans reached ${dataDir}/performance_metrics.db (does the SDK of this process write to another data directory?)`,
    };
  }
  const shares = [...byComponent.values()];
  for (const share of shares) {
    share.avgSelfMsPerIteration = share.selfMs / found;
    share.sharePercent = pipelineMs > 0 ? (share.selfMs / pipelineMs) * 100 : 0;
  }
  return { shares: shares.sort((a, b) => b.selfMs - a.selfMs) };
}

interface TraceIndex {
  byId: Map<string, TraceSpan>;
  children: Map<string, TraceSpan[]>;
}

function indexTrace(spans: readonly TraceSpan[]): TraceIndex {
  const byId = new Map<string, TraceSpan>();
  const children = new Map<string, TraceSpan[]>();
  for (const span of spans) {
    byId.set(span.spanId, span);
    if (span.parentSpanId === null) continue;
    let list = children.get(span.parentSpanId);
    if (list === undefined) children.set(span.parentSpanId, (list = []));
    list.push(span);
  }
  return { byId, children };
}

/**
 * Makes the spans ended so far readable in SQLite: flushes the registered tracer provider (its
 * batch processor hands spans to the exporter) and waits until the data dir's writer wrote them.
 */
export async function flushRegisteredSpans(dataDir: string): Promise<void> {
  const proxy = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const provider = (proxy.getDelegate?.() ?? proxy) as { forceFlush?: () => Promise<void> };
  await provider.forceFlush?.();
  const storage = SqliteStorage.acquire(dataDir);
  try {
    await storage.whenIdle();
  } finally {
    storage.release();
  }
}
