import { BENCHMARK_ATTR, EVENT_BENCHMARK_RESULT } from '@transcriber/instrumentation/events';
import { createEventTableSql, type EventDatabaseSchema, type EventTable } from './eventTable';

// The table as migration 1 created it; later columns come with their own migration below.
const BENCHMARK_RESULTS_V1: EventTable = {
  eventName: EVENT_BENCHMARK_RESULT,
  table: 'benchmark_results',
  columns: [
    { column: 'name', attribute: BENCHMARK_ATTR.NAME, type: 'TEXT' },
    { column: 'iterations', attribute: BENCHMARK_ATTR.ITERATIONS, type: 'INTEGER' },
    { column: 'total_ms', attribute: BENCHMARK_ATTR.TOTAL_MS, type: 'REAL' },
    { column: 'avg_ms', attribute: BENCHMARK_ATTR.AVG_MS, type: 'REAL' },
    { column: 'min_ms', attribute: BENCHMARK_ATTR.MIN_MS, type: 'REAL' },
    { column: 'max_ms', attribute: BENCHMARK_ATTR.MAX_MS, type: 'REAL' },
    { column: 'median_ms', attribute: BENCHMARK_ATTR.MEDIAN_MS, type: 'REAL' },
    { column: 'stddev_ms', attribute: BENCHMARK_ATTR.STDDEV_MS, type: 'REAL' },
    { column: 'p95_ms', attribute: BENCHMARK_ATTR.P95_MS, type: 'REAL' },
    { column: 'p99_ms', attribute: BENCHMARK_ATTR.P99_MS, type: 'REAL' },
    { column: 'margin_of_error_ms', attribute: BENCHMARK_ATTR.MARGIN_OF_ERROR_MS, type: 'REAL' },
    { column: 'throughput_per_sec', attribute: BENCHMARK_ATTR.THROUGHPUT_PER_SEC, type: 'REAL' },
    { column: 'success_rate', attribute: BENCHMARK_ATTR.SUCCESS_RATE, type: 'REAL' },
    { column: 'samples', attribute: BENCHMARK_ATTR.SAMPLES, type: 'BLOB' },
    { column: 'environment', attribute: BENCHMARK_ATTR.ENVIRONMENT, type: 'TEXT' },
    { column: 'environment_key', attribute: BENCHMARK_ATTR.ENVIRONMENT_KEY, type: 'TEXT' },
    { column: 'metadata', attribute: BENCHMARK_ATTR.METADATA, type: 'TEXT' },
    { column: 'failures', attribute: BENCHMARK_ATTR.FAILURES, type: 'TEXT' },
  ],
};

const BENCHMARK_RESULTS: EventTable = {
  ...BENCHMARK_RESULTS_V1,
  columns: [...BENCHMARK_RESULTS_V1.columns, { column: 'state', attribute: BENCHMARK_ATTR.STATE, type: 'TEXT' }],
};

/** `benchmark_results.db`: one row per benchmark run, with its samples. */
export const BENCHMARK_RESULTS_SCHEMA: EventDatabaseSchema = {
  tables: [BENCHMARK_RESULTS],
  migrations: [
    {
      version: 1,
      description: 'benchmark results',
      sql: `${createEventTableSql(BENCHMARK_RESULTS_V1)}
CREATE INDEX benchmark_results_name ON benchmark_results (name, component, environment_key, time_us);`,
    },
    {
      version: 2,
      description: 'benchmark state (completed, errored, timed-out)',
      // Rows from before it were only ever written for finished runs.
      sql: `ALTER TABLE benchmark_results ADD COLUMN state TEXT;
UPDATE benchmark_results SET state = 'completed';`,
    },
  ],
};
