import type { TraceSpan } from '@transcriber/queries';

// The result of `transcriber traces show`: one trace laid out as a waterfall.

/** A span placed in its trace's tree: depth below its root and start offset from the trace start. */

export interface WaterfallSpan extends TraceSpan {
  depth: number;
  offsetMs: number;
}

export interface TraceView {
  traceId: string;
  startUs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  /** Depth-first, children in start order: the order a waterfall draws them. */
  spans: WaterfallSpan[];
}
