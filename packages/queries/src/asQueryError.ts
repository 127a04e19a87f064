import { classifyStorageError } from '@transcriber/storage/databases';
import { QueryError } from './queryError';

/**
 * A SQLite or file-system error met while opening or reading `file`, as a QueryError with a message
 * a person can act on. QueryErrors, and errors that are not SQLite's or the file system's, come back
 * as they are.
 */
export function asQueryError(err: unknown, file: string): unknown {
  if (err instanceof QueryError) return err;
  const code = (err as { code?: unknown })?.code;
  const reason = err instanceof Error ? err.message : String(err);
  if (/schema version \d+ is older/.test(reason)) return new QueryError('schema-older', file, reason, { cause: err });
  if (/schema version/.test(reason)) return new QueryError('schema-newer', file, reason, { cause: err });
  if (typeof code !== 'string') return err;
  if (code === 'SQLITE_NOTADB') {
    return new QueryError('not-sqlite', file, `${file} is not a SQLite database (${reason})`, { cause: err });
  }
  const fault = classifyStorageError(err);
  if (fault === 'corrupt') return new QueryError('corrupt', file, `${file} is corrupt (${reason})`, { cause: err });
  if (fault === 'locked') {
    return new QueryError('locked', file, `${file} is locked by another process (${reason})`, { cause: err });
  }
  return new QueryError('other', file, `cannot read ${file}: ${reason}`, { cause: err });
}
