import type { Database } from 'better-sqlite3';
import { BENCHMARK_SERVICE_NAME } from '@transcriber/instrumentation/names';
import { minuteOf } from '@transcriber/storage/databases';

/**
 * Which services' telemetry a view reads. A service is a `service.name` (`resources.service_name`;
 * a resource row is one process of it).
 *
 * The rule: with `service` given, that service only; without it, every service except
 * `transcriber-benchmark` (BENCHMARK_SERVICE_NAME), the one `transcriber benchmark` records its runs
 * under, so a benchmark run in an app's data directory never mixes into the app's figures. A
 * benchmark run is seen by asking for it by name. Telemetry without a resource (rows written by
 * hand) belongs to no service: it is read without `service`, never with it.
 */
export interface ServiceFilter {
  service?: string;
}

/** The resources (processes) a query reads, as a ServiceFilter decides them. */
export type ResourceScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'only'; readonly ids: readonly number[] }
  | { readonly kind: 'except'; readonly ids: readonly number[] };

const ALL: ResourceScope = Object.freeze({ kind: 'all' });

/** The resource ids a filter keeps or leaves out; the resources table holds one row per process. */
export function resourceScope(db: Database, filter: ServiceFilter): ResourceScope {
  const ids = (name: string) =>
    db.prepare('SELECT id FROM resources WHERE service_name = ? ORDER BY id').pluck().all(name) as number[];
  if (filter.service !== undefined) return { kind: 'only', ids: ids(filter.service) };
  const benchmark = ids(BENCHMARK_SERVICE_NAME);
  return benchmark.length === 0 ? ALL : { kind: 'except', ids: benchmark };
}

/**
 * The SQL condition on a resource id column (`s.resource_id`, `resource_id` of the rollup, where
 * 0 stands for none) that keeps what the scope keeps; `1` when it keeps everything. The ids are
 * integers read from the database, written into the statement so the planner sees them.
 */
export function resourceCondition(scope: ResourceScope, column: string): string {
  switch (scope.kind) {
    case 'all':
      return '1';
    case 'only':
      return scope.ids.length === 0 ? '0' : `${column} IN (${integers(scope.ids)})`;
    case 'except':
      return `(${column} IS NULL OR ${column} NOT IN (${integers(scope.ids)}))`;
  }
}

/**
 * The scope for the spans of a window, simplified by what the per-minute rollup says the minutes it
 * touches hold: `all` when every resource there passes (reading spans then needs no table row per
 * span to check its resource: the usual case of one service), an `only` of no ids when none does.
 * Otherwise, or when the rollup has nothing there (spans written by hand are not in it), unchanged.
 */
export function spanScopeInWindow(
  db: Database,
  scope: ResourceScope,
  window: { sinceUs: number; untilUs: number },
): ResourceScope {
  if (scope.kind === 'all') return scope;
  const present = db
    .prepare('SELECT DISTINCT resource_id FROM span_rollup WHERE minute_us >= ? AND minute_us < ?')
    .pluck()
    .all(minuteOf(window.sinceUs), window.untilUs) as number[];
  if (present.length === 0) return scope;
  const passes = (id: number) => (scope.kind === 'only' ? scope.ids.includes(id) : !scope.ids.includes(id));
  const passing = present.filter(passes).length;
  if (passing === present.length) return ALL;
  if (passing === 0) return { kind: 'only', ids: [] };
  return scope;
}

/** Scope of a filter for the spans of a window: resourceScope then spanScopeInWindow. */
export function spanScope(db: Database, filter: ServiceFilter & { sinceUs: number; untilUs?: number }): ResourceScope {
  const untilUs = filter.untilUs ?? Date.now() * 1000 + 1;
  return spanScopeInWindow(db, resourceScope(db, filter), { sinceUs: filter.sinceUs, untilUs });
}

function integers(ids: readonly number[]): string {
  return ids
    .map((id) => {
      if (!Number.isSafeInteger(id)) throw new TypeError(`resource id ${String(id)} is not an integer`);
      return String(id);
    })
    .join(', ');
}

/**
 * The same rule on a `service_name` column (event tables keep the service by name): an SQL
 * condition with its one bound parameter `@service`.
 */
export function serviceNameCondition(
  filter: ServiceFilter,
  column: string,
): { sql: string; params: { service: string } } {
  return filter.service !== undefined
    ? { sql: `${column} = @service`, params: { service: filter.service } }
    : { sql: `${column} IS NOT @service`, params: { service: BENCHMARK_SERVICE_NAME } };
}
