import type { Database } from 'better-sqlite3';
import { newestSpanIds, RECENT_ORDER } from './newestSpanIds';
import { resourceCondition, resourceScope, spanScope, type ServiceFilter } from './serviceScope';
import { SLOWEST_ORDER, slowestSpanIds } from './slowestSpanIds';
import type { OperationRecord, TimeWindow } from './types';

export interface OperationFilter extends TimeWindow, ServiceFilter {
  /** Only this component's operations; `null`: only spans without a component (a foreign program's). */
  component?: string | null;
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
 * first and only those rows are read: failed operations through the partial index of failed
 * spans, the newest by walking each component's start times back from the end of the window
 * (newestSpanIds), the slowest from the per-minute rollup (slowestSpanIds). All filter values are
 * bound parameters.
 */
export function recentOperations(db: Database, filter: OperationFilter): OperationRecord[] {
  const slowest = filter.order === 'slowest';
  const order = slowest ? SLOWEST_ORDER : RECENT_ORDER;
  const params = {
    component: filter.component ?? null,
    since: filter.sinceUs,
    until: filter.untilUs ?? Date.now() * 1000 + 1,
    minDuration: filter.minDurationMs ?? null,
    limit: filter.limit ?? 20,
    ids: null as string | null,
  };
  const scope = spanScope(db, { ...filter, untilUs: params.until });
  const window = {
    sinceUs: params.since,
    untilUs: params.until,
    component: filter.component ?? undefined,
    minDurationMs: filter.minDurationMs,
    limit: params.limit,
    scope,
  };
  let matching = 'SELECT value FROM json_each(@ids)';
  if (filter.component === null) {
    // Spans without a component: their own range of spans_component_start, read in the order asked
    // (the rollup and the per-component walks cover components only). Foreign spans are few.
    const conditions = ['s.component IS NULL', 's.start_us >= @since', 's.start_us < @until'];
    // Not narrowed by the rollup, which holds spans with a component only.
    conditions.push(resourceCondition(resourceScope(db, filter), 's.resource_id'));
    if (filter.minDurationMs !== undefined) conditions.push('s.duration_ms >= @minDuration');
    if (filter.errorsOnly) conditions.push('s.status_code = 2');
    matching = `SELECT s.id FROM spans s INDEXED BY spans_component_start
                 WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT @limit`;
  } else if (filter.errorsOnly) {
    const conditions = ['s.component IS NOT NULL', 's.start_us >= @since', 's.start_us < @until'];
    conditions.push(resourceCondition(scope, 's.resource_id'));
    if (filter.component !== undefined) conditions.push('s.component = @component');
    if (filter.minDurationMs !== undefined) conditions.push('s.duration_ms >= @minDuration');
    // Written out (not as a parameter) so SQLite may use the partial index of failed spans.
    conditions.push('s.status_code = 2');
    matching = `SELECT s.id FROM spans s INDEXED BY spans_errors
                 WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT @limit`;
  } else {
    params.ids = JSON.stringify(slowest ? slowestSpanIds(db, window) : newestSpanIds(db, window));
  }
  const rows = db
    .prepare(
      `SELECT ${OPERATION_COLUMNS}
         FROM spans s LEFT JOIN resources r ON r.id = s.resource_id
        WHERE s.id IN (${matching})
        ORDER BY ${order}`,
    )
    .all(params) as (Omit<OperationRecord, 'error'> & { error: number })[];
  return rows.map((r) => ({ ...r, error: r.error === 1 }));
}
