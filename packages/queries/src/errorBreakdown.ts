import type { Database } from 'better-sqlite3';
import { resourceCondition, spanScope } from './serviceScope';
import type { SummaryFilter } from './summarizeComponents';

/** How often one component failed with one `error.type`. */
export interface ErrorCount {
  component: string;
  errorType: string;
  count: number;
}

/**
 * Failed operations in the window per component and `error.type`, most frequent first. Read from
 * the partial index of failed spans (a few percent of them), not from every span of the window.
 */
export function errorBreakdown(db: Database, filter: SummaryFilter): ErrorCount[] {
  return db
    .prepare(
      `SELECT component, coalesce(error_type, 'unknown') AS errorType, count(*) AS count
         FROM spans INDEXED BY spans_errors
        WHERE status_code = 2 AND component IS NOT NULL AND (@component IS NULL OR component = @component)
          AND start_us >= @since AND start_us < @until AND ${resourceCondition(spanScope(db, filter), 'resource_id')}
        GROUP BY component, errorType ORDER BY count DESC, component, errorType`,
    )
    .all({
      component: filter.component ?? null,
      since: filter.sinceUs,
      until: filter.untilUs ?? Date.now() * 1000 + 1,
    }) as ErrorCount[];
}
