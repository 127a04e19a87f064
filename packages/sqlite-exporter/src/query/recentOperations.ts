import type { Database } from 'better-sqlite3';
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

/** Recorded operations in the window, newest or slowest first. All filters are bound parameters. */
export function recentOperations(db: Database, filter: OperationFilter): OperationRecord[] {
  const order = filter.order === 'slowest' ? 's.duration_ms DESC' : 's.start_us DESC';
  const rows = db
    .prepare(
      `SELECT ${OPERATION_COLUMNS}
         FROM spans s LEFT JOIN resources r ON r.id = s.resource_id
        WHERE s.component IS NOT NULL AND (@component IS NULL OR s.component = @component)
          AND s.start_us >= @since AND s.start_us < @until
          AND (@minDuration IS NULL OR s.duration_ms >= @minDuration)
          AND (@errorsOnly = 0 OR s.status_code = 2)
        ORDER BY ${order} LIMIT @limit`,
    )
    .all({
      component: filter.component ?? null,
      since: filter.sinceUs,
      until: filter.untilUs ?? Date.now() * 1000 + 1,
      minDuration: filter.minDurationMs ?? null,
      errorsOnly: filter.errorsOnly ? 1 : 0,
      limit: filter.limit ?? 20,
    }) as (Omit<OperationRecord, 'error'> & { error: number })[];
  return rows.map((r) => ({ ...r, error: r.error === 1 }));
}
