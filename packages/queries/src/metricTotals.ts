import type { Database } from 'better-sqlite3';
import { resourceCondition, resourceScope, type ServiceFilter } from './serviceScope';
import type { TimeWindow } from './types';

/** One metric's points added up over a window (histograms: `count` and `sum`; others: `sum` of values). */
export interface MetricTotals {
  name: string;
  points: number;
  count: number;
  sum: number;
  unit: string | null;
  startUs: number;
  endUs: number;
}

/**
 * Totals of one metric's points in the window (undefined when none were recorded). Points are
 * stored with delta temporality, so counts and sums add up across rows; `startUs`–`endUs` is the
 * time the points cover.
 */
export function metricTotals(
  db: Database,
  filter: TimeWindow & ServiceFilter & { name: string },
): MetricTotals | undefined {
  const row = db
    .prepare(
      `SELECT count(*) AS points, sum(coalesce(count, 0)) AS count, sum(coalesce(sum, value, 0)) AS sum,
              min(start_us) AS startUs, max(time_us) AS endUs, max(unit) AS unit
         FROM metric_points INDEXED BY metric_points_name_time
        WHERE name = @name AND time_us >= @since AND time_us < @until
          AND ${resourceCondition(resourceScope(db, filter), 'resource_id')}`,
    )
    .get({
      name: filter.name,
      since: filter.sinceUs,
      until: filter.untilUs ?? Date.now() * 1000 + 1,
    }) as Omit<MetricTotals, 'name'>;
  return row.points === 0 ? undefined : { name: filter.name, ...row };
}
