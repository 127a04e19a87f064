import type { Database } from 'better-sqlite3';
import { percentileOfSorted } from './percentile';
import type { ComponentSummary, TimeWindow } from './types';

export interface SummaryFilter extends TimeWindow {
  component?: string;
}

interface StatsRow {
  component: string;
  count: number;
  errors: number;
  avg: number;
  min: number;
  max: number;
}

/**
 * Per-component count, errors, error rate and latency (avg, min, max, exact p50/p95/p99) of the
 * operations that started in the window. Percentiles read durations through the covering index
 * (component, start_us, duration_ms), so the table itself is not touched.
 */
export function summarizeComponents(db: Database, filter: SummaryFilter): ComponentSummary[] {
  const untilUs = filter.untilUs ?? Date.now() * 1000 + 1;
  const params = { since: filter.sinceUs, until: untilUs, component: filter.component ?? null };
  const stats = db
    .prepare(
      `SELECT component, count(*) AS count, sum(status_code = 2) AS errors, avg(duration_ms) AS avg,
              min(duration_ms) AS min, max(duration_ms) AS max
         FROM spans INDEXED BY spans_component_start
        WHERE component IS NOT NULL AND (@component IS NULL OR component = @component)
          AND start_us >= @since AND start_us < @until
        GROUP BY component ORDER BY component`,
    )
    .all(params) as StatsRow[];
  const durations = db
    .prepare(
      `SELECT duration_ms FROM spans INDEXED BY spans_component_start
        WHERE component = ? AND start_us >= ? AND start_us < ?`,
    )
    .pluck();
  return stats.map((row) => {
    const sorted = Float64Array.from(durations.all(row.component, params.since, params.until) as number[]).sort();
    return {
      component: row.component,
      count: row.count,
      errors: row.errors,
      errorRate: row.count === 0 ? 0 : row.errors / row.count,
      avgMs: row.avg,
      minMs: row.min,
      maxMs: row.max,
      p50Ms: percentileOfSorted(sorted, 50),
      p95Ms: percentileOfSorted(sorted, 95),
      p99Ms: percentileOfSorted(sorted, 99),
    };
  });
}
