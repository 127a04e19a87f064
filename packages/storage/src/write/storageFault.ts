/** What went wrong with a database, as far as the writer's reaction is concerned. */
export type StorageFault =
  | 'unwritable' // directory or file cannot be created or written (permissions, read-only fs)
  | 'corrupt' // the file is not a SQLite database or is damaged: it is set aside and replaced
  | 'locked' // another process holds the lock past the busy timeout
  | 'full' // no space left (or the database hit its size limit)
  | 'schema' // the file was written by a newer version of this software
  | 'other';

/** Classifies an error from fs or better-sqlite3. */
export function classifyStorageError(err: unknown): StorageFault {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') {
    const message = err instanceof Error ? err.message : String(err);
    return /schema version .* newer/.test(message) ? 'schema' : 'other';
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return 'corrupt';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'SQLITE_IOERR_WRITE') return 'full';
  if (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code === 'ENOTDIR' ||
    code === 'EEXIST' || // the data dir's path is taken by a file
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM')
  ) {
    return 'unwritable';
  }
  return 'other';
}

/** One line a person can act on, per fault. */
export function describeFault(fault: StorageFault, file: string, err: unknown): string {
  const reason = err instanceof Error ? err.message : String(err);
  switch (fault) {
    case 'unwritable':
      return `cannot write ${file} (${reason}); telemetry is kept in memory and retried — check the data directory's permissions`;
    case 'corrupt':
      return `${file} is not a valid SQLite database (${reason}); it was moved aside and a new one started`;
    case 'locked':
      return `${file} is locked by another process (${reason}); telemetry is kept in memory and retried`;
    case 'full':
      return `no space left for ${file} (${reason}); telemetry is kept in memory and retried — free disk space`;
    case 'schema':
      return `${file}: ${reason}; telemetry is kept in memory and retried`;
    default:
      return `writing ${file} failed (${reason}); telemetry is kept in memory and retried`;
  }
}
