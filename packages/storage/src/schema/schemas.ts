import type { DatabaseName } from '../database/databaseFiles';
import type { Migration } from '../database/migration';
import { BENCHMARK_RESULTS_SCHEMA } from './benchmarkResultsSchema';
import type { EventDatabaseSchema } from './eventTable';
import { OPTIMIZATION_LOGS_SCHEMA } from './optimizationLogsSchema';
import { PERFORMANCE_METRICS_MIGRATIONS } from './performanceMetricsSchema';
import { PROFILE_RESULTS_SCHEMA } from './profileResultsSchema';

/** The event databases and their schemas, by name. */
export const EVENT_DATABASE_SCHEMAS: Readonly<
  Record<Exclude<DatabaseName, 'performance_metrics'>, EventDatabaseSchema>
> = Object.freeze({
  profile_results: PROFILE_RESULTS_SCHEMA,
  benchmark_results: BENCHMARK_RESULTS_SCHEMA,
  optimization_logs: OPTIMIZATION_LOGS_SCHEMA,
});

/** The migrations of every database, by name. */
export function migrationsFor(name: DatabaseName): readonly Migration[] {
  return name === 'performance_metrics' ? PERFORMANCE_METRICS_MIGRATIONS : EVENT_DATABASE_SCHEMAS[name].migrations;
}

/** Tables whose rows are subject to retention, with their time column. */
export function retainedTables(name: DatabaseName): readonly string[] {
  return name === 'performance_metrics'
    ? ['spans', 'metric_points', 'resource_snapshots']
    : EVENT_DATABASE_SCHEMAS[name].tables.map((t) => t.table);
}
