import type { Database } from 'better-sqlite3';
import { QueryError, withQueryDatabase } from '@transcriber/queries';
import type { DatabaseName } from '@transcriber/storage/files';
import type { Missing } from '../shared/apiTypes';
import { HttpError } from './httpError';

/**
 * A QueryError as an answer: a database that is not there is the caller's business (see
 * readOrMissing); one being created or migrated, or locked for a moment, is 503 (try again); one
 * that cannot be read (not SQLite, corrupt, from a newer version) is 500, with the message.
 */
export function httpErrorOf(err: QueryError): HttpError {
  switch (err.reason) {
    case 'missing-data-dir':
    case 'missing-database':
      return new HttpError(404, err.message, err.reason);
    case 'locked':
    case 'schema-older':
      return new HttpError(503, err.message, err.reason);
    default:
      return new HttpError(500, err.message, err.reason);
  }
}

/** Runs a read on one database of the data directory; QueryErrors become HttpErrors. */
export function read<T>(dataDir: string, name: DatabaseName, run: (db: Database) => T): T {
  try {
    return withQueryDatabase(dataDir, name, run);
  } catch (err) {
    throw err instanceof QueryError ? httpErrorOf(err) : err;
  }
}

/**
 * Like `read`, but a database that does not exist yet (nothing recorded there) gives `empty` with
 * `missing` saying so: the page shows that and keeps waiting for data.
 */
export function readOrMissing<T extends object>(
  dataDir: string,
  name: DatabaseName,
  run: (db: Database) => T,
  empty: T,
): T & Missing {
  try {
    return withQueryDatabase(dataDir, name, run);
  } catch (err) {
    if (err instanceof QueryError && (err.reason === 'missing-data-dir' || err.reason === 'missing-database')) {
      return { ...empty, missing: err.message };
    }
    throw err instanceof QueryError ? httpErrorOf(err) : err;
  }
}
