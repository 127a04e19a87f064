import type { Database } from 'better-sqlite3';
import * as fs from 'node:fs';
import { databasePath, type DatabaseName } from '@transcriber/storage/files';
import { openDatabaseForReading } from '@transcriber/storage/databases';
import { migrationsFor } from '@transcriber/storage/databases';
import { asQueryError } from './asQueryError';
import { QueryError } from './queryError';

/**
 * Opens one database of a data directory read-only for queries, turning every way that can fail
 * into a {@link QueryError} with a message a person can act on.
 */
export function openForQuery(dataDir: string, name: DatabaseName): Database {
  const file = databasePath(dataDir, name);
  checkExists(dataDir, file);
  try {
    const db = openDatabaseForReading(file, migrationsFor(name));
    // Reading the schema touches the file header: a non-SQLite file fails here, not later.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    const error = asQueryError(err, file);
    throw error instanceof QueryError
      ? error
      : new QueryError('other', file, `cannot read ${file}: ${String(err)}`, { cause: err });
  }
}

/** Throws the QueryError for a missing data directory or database file. */
export function checkExists(dataDir: string, file: string): void {
  if (!fs.existsSync(dataDir) || !fs.statSync(dataDir).isDirectory()) {
    throw new QueryError('missing-data-dir', file, `data directory ${dataDir} does not exist`);
  }
  if (!fs.existsSync(file)) {
    throw new QueryError(
      'missing-database',
      file,
      `${file} does not exist: nothing has been recorded in ${dataDir} yet`,
    );
  }
}
