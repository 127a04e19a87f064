import * as path from 'node:path';

/** The four database files of a data directory, by stem. */
export const DATABASE_FILES = Object.freeze({
  performance_metrics: 'performance_metrics.db',
  profile_results: 'profile_results.db',
  benchmark_results: 'benchmark_results.db',
  optimization_logs: 'optimization_logs.db',
});

export type DatabaseName = keyof typeof DATABASE_FILES;

export const DATABASE_NAMES = Object.freeze(Object.keys(DATABASE_FILES) as DatabaseName[]);

export function databasePath(dataDir: string, name: DatabaseName): string {
  return path.join(dataDir, DATABASE_FILES[name]);
}
