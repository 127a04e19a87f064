import type { Database } from 'better-sqlite3';
import * as fs from 'node:fs';
import { databasePath, type DatabaseName } from '@transcriber/storage/files';
import {
  openDatabaseForWriting,
  pruneDatabase,
  type PruneResult,
  type RetentionPolicy,
  migrationsFor,
} from '@transcriber/storage/databases';
import { asQueryError } from './asQueryError';
import { checkExists } from './openForQuery';

/** Size of a database file plus its write-ahead log before and after a maintenance step, bytes. */
export interface MaintenanceResult {
  name: DatabaseName;
  file: string;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Applies a retention policy to one database file now (what the exporter does hourly), for
 * `transcriber db prune`. Opens the file only if it exists: maintenance never creates a database.
 */
export function pruneDatabaseFile(
  dataDir: string,
  name: DatabaseName,
  policy: RetentionPolicy,
): MaintenanceResult & { tables: PruneResult[] } {
  const { result, ...sizes } = maintain(dataDir, name, (db) => pruneDatabase(db, name, policy));
  return { ...sizes, tables: result };
}

/**
 * Rebuilds one database file without its free pages (`VACUUM`) and truncates its write-ahead log,
 * giving deleted rows' space back to the file system. Waits up to 2 s for other writers.
 */
export function vacuumDatabaseFile(dataDir: string, name: DatabaseName): MaintenanceResult {
  const { result: _none, ...sizes } = maintain(dataDir, name, (db) => {
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  });
  return sizes;
}

function maintain<T>(
  dataDir: string,
  name: DatabaseName,
  step: (db: Database) => T,
): MaintenanceResult & { result: T } {
  const file = databasePath(dataDir, name);
  checkExists(dataDir, file);
  const bytesBefore = fileBytes(file);
  let db: Database | undefined;
  let result: T;
  try {
    db = openDatabaseForWriting(file, migrationsFor(name), { busyTimeoutMs: 2000 });
    result = step(db);
  } catch (err) {
    throw asQueryError(err, file);
  } finally {
    db?.close();
  }
  return { name, file, bytesBefore, bytesAfter: fileBytes(file), result };
}

function fileBytes(file: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += fs.statSync(file + suffix).size;
    } catch {
      // no write-ahead log right now
    }
  }
  return total;
}
