/** Why a database could not be queried; the CLI maps each reason to its one-line message. */
export type QueryErrorReason =
  | 'missing-data-dir'
  | 'missing-database'
  /** The data directory is a file, or cannot be read (permissions). */
  | 'unreadable'
  | 'not-sqlite'
  | 'corrupt'
  | 'locked'
  /** Written by a newer version of this software. */
  | 'schema-newer'
  /** Not (yet) migrated to this software's schema: old, or still being created (version 0). */
  | 'schema-older'
  | 'other';

export class QueryError extends Error {
  readonly reason: QueryErrorReason;
  readonly file: string;

  constructor(reason: QueryErrorReason, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueryError';
    this.reason = reason;
    this.file = file;
  }
}
