import type { Database, Statement } from 'better-sqlite3';
import { SpanRollupBatch } from '../rollup/spanRollupRows';
import { ResourceIds } from './resourceIds';

/**
 * Prepared statements of `performance_metrics.db`, made once per opened database, with the state
 * a transaction builds up: resource ids, and the rollup of its spans (written before the commit).
 */
export interface PerformanceStatements {
  readonly resources: ResourceIds;
  readonly rollup: SpanRollupBatch;
  /** Inserts a span unless one with its (trace id, span id) is stored: `changes` is then 0. */
  readonly insertSpan: Statement;
  /** Inserts a metric point unless the same point (stream and time window) is stored. */
  readonly insertMetricPoint: Statement;
  readonly insertResourceSnapshot: Statement;
  /** Adds one (minute, component, resource, bucket) aggregate to `span_rollup`. */
  readonly upsertSpanRollup: Statement;
}

export function preparePerformanceStatements(db: Database): PerformanceStatements {
  return {
    resources: new ResourceIds(db),
    rollup: new SpanRollupBatch(),
    insertSpan: db.prepare(
      `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, component, operation, start_us, end_us,
         duration_ms, status_code, status_message, error_type, attributes, events, links, scope, resource_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    insertMetricPoint: db.prepare(
      `INSERT INTO metric_points (name, unit, kind, component, operation, start_us, time_us, value, count, sum, min, max,
         bucket_bounds, bucket_counts, attributes, scope, resource_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    insertResourceSnapshot: db.prepare(
      `INSERT INTO resource_snapshots (time_us, pid, cpu_utilization, rss_bytes, heap_used_bytes, heap_total_bytes,
         external_bytes, event_loop_delay_p50_ms, event_loop_delay_p99_ms, event_loop_delay_max_ms,
         system_cpu_utilization, system_memory_used_bytes, system_memory_total_bytes, resource_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    upsertSpanRollup: db.prepare(
      `INSERT INTO span_rollup (minute_us, component, resource_id, bucket, count, errors, sum_ms, min_ms, max_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (minute_us, component, resource_id, bucket) DO UPDATE SET
         count = count + excluded.count, errors = errors + excluded.errors, sum_ms = sum_ms + excluded.sum_ms,
         min_ms = min(min_ms, excluded.min_ms), max_ms = max(max_ms, excluded.max_ms)`,
    ),
  };
}
