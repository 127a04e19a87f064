import BetterSqlite3, { type Database } from 'better-sqlite3';
import * as fs from 'node:fs';
import { migrationsFor, openDatabaseForWriting } from '@transcriber/storage/databases';
import { databasePath, type DatabaseName } from '@transcriber/storage/files';

/** Opens a database of a data dir read-only, runs `fn`, closes it. */
export function withDatabase<T>(dataDir: string, name: DatabaseName, fn: (db: Database) => T): T {
  const db = new BetterSqlite3(databasePath(dataDir, name), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Rows of a query on one database of a data dir. */
export function queryRows<T = Record<string, unknown>>(
  dataDir: string,
  name: DatabaseName,
  sql: string,
  ...params: unknown[]
): T[] {
  return withDatabase(dataDir, name, (db) => db.prepare(sql).all(...params) as T[]);
}

/** `SELECT count(*)` of a table, 0 when the database does not exist yet. */
export function countRows(dataDir: string, name: DatabaseName, table: string): number {
  if (!fs.existsSync(databasePath(dataDir, name))) return 0;
  return withDatabase(dataDir, name, (db) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number);
}

/**
 * A writable copy of a data dir's performance_metrics.db (resources, spans, rollup) in a new data
 * dir, for tests that prune or change it. Returns the copy's open connection.
 */
export function copyPerformanceDatabase(dataDir: string, copyDir: string): Database {
  const db = openDatabaseForWriting(databasePath(copyDir, 'performance_metrics'), migrationsFor('performance_metrics'));
  db.exec(`ATTACH '${databasePath(dataDir, 'performance_metrics')}' AS src`);
  db.exec(
    'INSERT INTO resources SELECT * FROM src.resources; INSERT INTO spans SELECT * FROM src.spans; INSERT INTO span_rollup SELECT * FROM src.span_rollup',
  );
  db.exec('DETACH src');
  return db;
}
