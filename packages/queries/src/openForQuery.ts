import type { Database } from 'better-sqlite3';
import * as fs from 'node:fs';
import { databasePath, type DatabaseName } from '@transcriber/storage/files';
import { migrationsFor, openDatabaseForReading } from '@transcriber/storage/databases';
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

/**
 * Throws the QueryError for a data directory that is missing or not a usable directory (a file;
 * no permission to read it), or a database file that is missing or unreadable: each named for what
 * it is, not all as "does not exist".
 */
export function checkDataDir(dataDir: string, file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dataDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new QueryError('missing-data-dir', file, `data directory ${dataDir} does not exist`);
    }
    throw new QueryError('unreadable', file, `cannot read data directory ${dataDir}: ${reasonOf(err)}`);
  }
  if (!stat.isDirectory()) {
    throw new QueryError('unreadable', file, `data directory ${dataDir} is a file, not a directory`);
  }
  try {
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.X_OK);
  } catch (err) {
    throw new QueryError('unreadable', file, `cannot read data directory ${dataDir}: ${reasonOf(err)}`);
  }
}

/** Throws the QueryError for a missing or unusable data directory or database file. */
export function checkExists(dataDir: string, file: string): void {
  checkDataDir(dataDir, file);
  if (!fs.existsSync(file)) {
    throw new QueryError(
      'missing-database',
      file,
      `${file} does not exist: nothing has been recorded in ${dataDir} yet`,
    );
  }
}

function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM'
    ? 'permission denied'
    : code === 'ENOTDIR'
      ? 'a part of its path is not a directory'
      : (err as Error).message;
}
