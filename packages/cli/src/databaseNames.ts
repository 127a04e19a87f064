/**
 * The database names, as a literal list: the option table needs them at start-up, and importing
 * @transcriber/sqlite-exporter then would load better-sqlite3 for `--version`. A test checks this
 * list against the exporter's DATABASE_NAMES, so the two cannot drift apart unnoticed.
 */
export const DATABASE_NAME_LIST = [
  'performance_metrics',
  'profile_results',
  'benchmark_results',
  'optimization_logs',
] as const;

export type DatabaseNameOption = (typeof DATABASE_NAME_LIST)[number];
