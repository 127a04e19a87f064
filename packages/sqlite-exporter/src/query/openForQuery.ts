import type { Database } from 'better-sqlite3';
import * as fs from 'node:fs';
import { databasePath, type DatabaseName } from '../database/databaseFiles';
import { openDatabaseForReading } from '../database/openDatabase';
import { migrationsFor } from '../schema/schemas';
import { classifyStorageError } from '../write/storageFault';
import { QueryError } from './queryError';

/**
 * Opens one database of a data directory read-only for queries, turning every way that can fail
 * into a {@link QueryError} with a message a person can act on.
 */
export function openForQuery(dataDir: string, name: DatabaseName): Database {
  const file = databasePath(dataDir, name);
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
  try {
    const db = openDatabaseForReading(file, migrationsFor(name));
    // Reading the schema touches the file header: a non-SQLite file fails here, not later.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    const fault = classifyStorageError(err);
    const reason = err instanceof Error ? err.message : String(err);
    if (fault === 'corrupt')
      throw new QueryError('not-sqlite', file, `${file} is not a valid SQLite database (${reason})`, { cause: err });
    if (fault === 'locked')
      throw new QueryError('locked', file, `${file} is locked by another process (${reason})`, { cause: err });
    if (/schema version/.test(reason)) throw new QueryError('schema', file, reason, { cause: err });
    throw new QueryError('other', file, `cannot read ${file}: ${reason}`, { cause: err });
  }
}
