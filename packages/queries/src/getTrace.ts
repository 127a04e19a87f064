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

/**
 * The ids of the traces whose id starts or ends with `part` (hexadecimal): at most `limit`, enough
 * to tell a unique short id from an ambiguous one. `transcriber turns` prints the end of each trace
 * id, its random part (our trace ids begin with the time, so traces of one moment share a start):
 * the start is one range of the trace-id index; the end is found by reading that index whole
 * (entries only, no rows), only when no trace starts so.
 */
export function traceIdsWith(db: Database, part: string, limit = 2): string[] {
  const hex = part.toLowerCase();
  const starting = db
    .prepare(
      `SELECT DISTINCT trace_id FROM spans INDEXED BY spans_trace
        WHERE trace_id >= ? AND trace_id < ? ORDER BY trace_id LIMIT ?`,
    )
    .pluck()
    .all(hex, `${hex}g`, limit) as string[];
  if (starting.length > 0) return starting;
  return db
    .prepare(
      `SELECT DISTINCT trace_id FROM spans INDEXED BY spans_trace
        WHERE substr(trace_id, -length(?)) = ? ORDER BY trace_id LIMIT ?`,
    )
    .pluck()
    .all(hex, hex, limit) as string[];
}
