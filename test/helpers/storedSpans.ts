import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  component: string | null;
  operation: string | null;
  startUs: number;
  endUs: number;
  durationMs: number;
  statusCode: number;
  attributes: Record<string, unknown>;
  events: { name: string; time_us: number }[];
  scope: string;
}

/** Every span the process stored in `<dataDir>/performance_metrics.db`, oldest first. */
export function storedSpans(dataDir: string): StoredSpan[] {
  const file = path.join(dataDir, 'performance_metrics.db');
  if (!fs.existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT trace_id, span_id, parent_span_id, name, kind, component, operation, start_us, end_us, duration_ms,
                status_code, attributes, events, scope
           FROM spans ORDER BY start_us`,
      )
      .all() as Record<string, unknown>[];
    return rows.map((r) => ({
      traceId: r.trace_id as string,
      spanId: r.span_id as string,
      parentSpanId: r.parent_span_id as string | null,
      name: r.name as string,
      kind: r.kind as number,
      component: r.component as string | null,
      operation: r.operation as string | null,
      startUs: r.start_us as number,
      endUs: r.end_us as number,
      durationMs: r.duration_ms as number,
      statusCode: r.status_code as number,
      attributes: r.attributes ? (JSON.parse(r.attributes as string) as Record<string, unknown>) : {},
      events: r.events ? (JSON.parse(r.events as string) as { name: string; time_us: number }[]) : [],
      scope: r.scope as string,
    }));
  } finally {
    db.close();
  }
}

/** Names of the metrics stored, with how many points each. */
export function storedMetricNames(dataDir: string): Map<string, number> {
  const db = new Database(path.join(dataDir, 'performance_metrics.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT name, count(*) AS n FROM metric_points GROUP BY name').all() as {
      name: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.name, r.n]));
  } finally {
    db.close();
  }
}
