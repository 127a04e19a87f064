import type { Database } from 'better-sqlite3';
import { databasePath, type DatabaseName } from '@transcriber/storage/files';
import { asQueryError } from './asQueryError';
import { openForQuery } from './openForQuery';

/**
 * Opens a database for queries, runs `read` and closes it. SQLite errors raised while reading (a
 * page found corrupt, a lock held too long) become QueryErrors naming the file, like those of
 * opening, so a caller has one kind of error to report.
 */
export function withQueryDatabase<T>(dataDir: string, name: DatabaseName, read: (db: Database) => T): T {
  const db = openForQuery(dataDir, name);
  try {
    return read(db);
  } catch (err) {
    throw asQueryError(err, databasePath(dataDir, name));
  } finally {
    db.close();
  }
}
