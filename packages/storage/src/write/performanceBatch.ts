import type { RetentionPolicy } from '../retention';

/** Values per span row in `SpanBatch.values`: the `spans` columns, the last one a resource index. */
export const SPAN_ROW_VALUES = 18;
/** Positions, in a span row, of the values the writer reads (the row is in `insertSpan` order). */
export const SPAN_ROW = {
  name: 3,
  component: 5,
  operation: 6,
  startUs: 7,
  durationMs: 9,
  statusCode: 10,
  scope: 16,
  resource: SPAN_ROW_VALUES - 1,
} as const;
/** Positions in a span row of the columns given as indexes into `SpanBatch.strings`. */
export const SPAN_STRING_COLUMNS: readonly number[] = [
  SPAN_ROW.name,
  SPAN_ROW.component,
  SPAN_ROW.operation,
  SPAN_ROW.scope,
];
/** Values per point row in `MetricBatch.points`: the `metric_points` columns but the resource. */
export const METRIC_POINT_VALUES = 16;

/**
 * Rows for `performance_metrics.db` as plain data: made on the app's thread from the SDK's spans
 * and metrics (the only work left there), written on the writer's thread. Flat arrays of
 * primitives, because copying them to a worker thread is what they cost on the app's thread.
 */
export type PerformanceBatch = SpanBatch | MetricBatch | PruneBatch;

export interface SpanBatch {
  readonly kind: 'spans';
  readonly rows: number;
  /** The resources of the batch's spans, as their attributes' JSON; rows refer to them by index. */
  readonly resources: string[];
  /**
   * Strings that repeat from span to span (name, component, operation, scope), each once: rows
   * hold their index (-1 for none), so each is copied to the writer thread once per batch, not per span.
   */
  readonly strings: string[];
  /**
   * `rows` × SPAN_ROW_VALUES values in `insertSpan` order; the columns of SPAN_STRING_COLUMNS index
   * `strings`, the last of each row indexes `resources`.
   */
  readonly values: unknown[];
}

export interface MetricBatch {
  readonly kind: 'metrics';
  readonly rows: number;
  /** The collection's resource, as its attributes' JSON. */
  readonly resource: string;
  /** Data points: METRIC_POINT_VALUES values each in `insertMetricPoint` order, without the resource. */
  readonly points: unknown[];
  /** The monitor's resource gauges as one `resource_snapshots` row (without the resource), if any. */
  readonly snapshot: unknown[] | null;
}

export interface PruneBatch {
  readonly kind: 'prune';
  readonly rows: 0;
  readonly policy: RetentionPolicy;
}
