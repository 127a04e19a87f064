import type { Database } from 'better-sqlite3';

/** The process a trace was recorded in: its resource's `process.pid` and `service.name`. */
export interface TraceProcess {
  pid: number | null;
  serviceName: string | null;
}

/**
 * The process of a trace's first span (by start): what a process-wide profile must have recorded
 * to cover the trace. Null fields when the resource does not say.
 */
export function traceProcess(db: Database, traceId: string): TraceProcess {
  const row = db
    .prepare(
      `SELECT r.service_name AS serviceName,
              CASE WHEN json_valid(r.attributes) THEN json_extract(r.attributes, '$."process.pid"') END AS pid
         FROM spans s LEFT JOIN resources r ON r.id = s.resource_id
        WHERE s.trace_id = ? ORDER BY s.start_us, s.id LIMIT 1`,
    )
    .get(traceId.toLowerCase()) as { serviceName: string | null; pid: unknown } | undefined;
  return {
    pid: typeof row?.pid === 'number' && Number.isInteger(row.pid) ? row.pid : null,
    serviceName: row?.serviceName ?? null,
  };
}
