import type { Database } from 'better-sqlite3';
import { minuteOf } from '../rollup/latencyBuckets';
import type { OperationRecord, TimeWindow } from './types';

export interface OperationFilter extends TimeWindow {
  component?: string;
  /** Only operations at least this long, ms. */
  minDurationMs?: number;
  /** Only failed operations. */
  errorsOnly?: boolean;
  /** Newest first (`recent`, default) or longest first (`slowest`). */
  order?: 'recent' | 'slowest';
  limit?: number;
}

export const OPERATION_COLUMNS = `s.trace_id AS traceId, s.span_id AS spanId, s.parent_span_id AS parentSpanId,
  s.name AS name, s.component AS component, s.operation AS operation, s.start_us AS startUs,
  s.duration_ms AS durationMs, s.status_code = 2 AS error, s.error_type AS errorType, r.service_name AS serviceName`;

/**
 * Recorded operations in the window, newest or slowest first. The matching span ids are found
 * first, through the index that suits the filter (see indexFor), and only those rows are read.
 * All filter values are bound parameters.
 */
export function recentOperations(db: Database, filter: OperationFilter): OperationRecord[] {
  const order = filter.order === 'slowest' ? 's.duration_ms DESC' : 's.start_us DESC';
  const conditions = ['s.component IS NOT NULL', 's.start_us >= @since', 's.start_us < @until'];
  if (filter.component !== undefined) conditions.push('s.component = @component');
  if (filter.minDurationMs !== undefined) conditions.push('s.duration_ms >= @minDuration');
  // Written out (not as a parameter) so SQLite may use the partial index of failed spans.
  if (filter.errorsOnly) conditions.push('s.status_code = 2');
  const rows = db
    .prepare(
      `SELECT ${OPERATION_COLUMNS}
         FROM spans s LEFT JOIN resources r ON r.id = s.resource_id
        WHERE s.id IN (SELECT s.id FROM spans s INDEXED BY ${indexFor(db, filter)}
                        WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT @limit)
        ORDER BY ${order}`,
    )
    .all({
      component: filter.component ?? null,
      since: filter.sinceUs,
      until: filter.untilUs ?? Date.now() * 1000 + 1,
      minDuration: filter.minDurationMs ?? null,
      limit: filter.limit ?? 20,
    }) as (Omit<OperationRecord, 'error'> & { error: number })[];
  return rows.map((r) => ({ ...r, error: r.error === 1 }));
}

/**
 * Which index answers a query fastest; SQLite cannot tell, because it depends on how the data is
 * spread. Failed operations: the partial index of failed spans. Newest first: walk start times back
 * from the end of the window. Slowest first for one component: that component's window from the
 * covering index (component, start_us, duration_ms), then sort. Slowest first otherwise: either
 * walk durations down from the longest span, stopping after `limit` matches, or read the window by
 * start time and sort; the per-minute rollup's latency buckets tell how many spans the walk passes
 * before `limit` of the window's (scaled from the window to all spans), against the window's size.
 */
function indexFor(db: Database, filter: OperationFilter): string {
  if (filter.errorsOnly) return 'spans_errors';
  if (filter.order !== 'slowest') return 'spans_start';
  if (filter.component !== undefined) return 'spans_component_start';
  const buckets = db
    .prepare(
      `SELECT sum(count) FROM span_rollup WHERE minute_us >= @since AND minute_us < @until
        GROUP BY bucket ORDER BY bucket DESC`,
    )
    .pluck()
    .all({ since: minuteOf(filter.sinceUs), until: filter.untilUs ?? Date.now() * 1000 + 1 }) as number[];
  const inWindow = buckets.reduce((n, count) => n + count, 0);
  const limit = filter.limit ?? 20;
  if (inWindow < limit) return 'spans_start';
  let passed = 0;
  for (const count of buckets) {
    passed += count;
    if (passed >= limit) break;
  }
  const all = db
    .prepare('SELECT coalesce((SELECT max(id) FROM spans) - (SELECT min(id) FROM spans) + 1, 0)')
    .pluck()
    .get() as number;
  return passed * (Math.max(all, inWindow) / inWindow) < inWindow ? 'spans_duration' : 'spans_start';
}
