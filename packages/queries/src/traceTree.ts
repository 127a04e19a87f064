import { traceTurns, type TraceTurn } from './traceTurns';
import type { TraceSpan } from './types';

/** A span placed in its trace's tree: depth below its root and start offset from the trace start. */
export interface WaterfallSpan extends TraceSpan {
  depth: number;
  offsetMs: number;
}

/** One trace as a waterfall draws it. */
export interface TraceView {
  traceId: string;
  startUs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  /** Depth-first, children in start order: the order a waterfall draws them. */
  spans: WaterfallSpan[];
  /** The voice turns among the spans, with their marks and stages placed on the trace's axis. */
  turns: TraceTurn[];
}

/**
 * The spans of one trace (getTrace) as a tree with offsets, and its turns, for a waterfall (`traces
 * show` and the web view). A span whose parent was not recorded (remote, or dropped) is drawn as a
 * root; a span id repeated in bad data is placed once.
 */
export function traceTree(traceId: string, spans: readonly TraceSpan[]): TraceView {
  const startUs = Math.min(...spans.map((s) => s.startUs));
  const endUs = Math.max(...spans.map((s) => s.endUs));
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, TraceSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const ordered: WaterfallSpan[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startUs - b.startUs)) {
      if (seen.has(span.spanId)) continue; // must not loop forever
      seen.add(span.spanId);
      ordered.push({ ...span, depth, offsetMs: (span.startUs - startUs) / 1000 });
      visit(span.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return {
    traceId,
    startUs,
    durationMs: (endUs - startUs) / 1000,
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.error).length,
    spans: ordered,
    turns: traceTurns(spans, startUs),
  };
}
