import type { Database } from 'better-sqlite3';
import { OPERATION_COLUMNS } from './recentOperations';
import type { TraceSpan } from './types';

interface TraceRow extends Omit<TraceSpan, 'error' | 'attributes' | 'events'> {
  error: number;
  attributes: string | null;
  events: string | null;
}

/** Every span of one trace, in start order (empty when the trace is unknown). */
export function getTrace(db: Database, traceId: string): TraceSpan[] {
  const rows = db
    .prepare(
      `SELECT ${OPERATION_COLUMNS}, s.end_us AS endUs, s.status_message AS statusMessage,
              s.attributes AS attributes, s.events AS events
         FROM spans s LEFT JOIN resources r ON r.id = s.resource_id
        WHERE s.trace_id = ? ORDER BY s.start_us, s.id`,
    )
    .all(traceId.toLowerCase()) as TraceRow[];
  return rows.map((r) => ({
    ...r,
    error: r.error === 1,
    attributes: r.attributes === null ? {} : (JSON.parse(r.attributes) as Record<string, unknown>),
    events: r.events === null ? [] : (JSON.parse(r.events) as TraceSpan['events']),
  }));
}
