import type { Database } from 'better-sqlite3';
import { resourceCondition, spanScope, type ServiceFilter } from './serviceScope';

/**
 * The start time of the `count`-th newest operation of a component since `sinceUs` (and before
 * `untilUs`, when given), walking the (component, start_us) index back from the end, or `sinceUs`
 * when there are no more than that: the window holding the newest `count` operations, for
 * summaries that cost per operation.
 */
export function newestStart(
  db: Database,
  filter: { component: string; sinceUs: number; untilUs?: number; count: number } & ServiceFilter,
): number {
  const resources = resourceCondition(spanScope(db, filter), 'resource_id');
  const start = db
    .prepare(
      `SELECT start_us FROM spans INDEXED BY spans_component_start
        WHERE component = ? AND start_us >= ? AND start_us < ? AND ${resources}
        ORDER BY start_us DESC LIMIT 1 OFFSET ?`,
    )
    .pluck()
    .get(filter.component, filter.sinceUs, filter.untilUs ?? Number.MAX_SAFE_INTEGER, filter.count - 1) as
    number | undefined;
  return start ?? filter.sinceUs;
}
