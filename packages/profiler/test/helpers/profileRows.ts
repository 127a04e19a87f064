import BetterSqlite3 from 'better-sqlite3';
import * as path from 'node:path';

/** The rows of `profile_results` in a data dir, oldest first. */
export function profileRows(dataDir: string): Record<string, unknown>[] {
  const db = new BetterSqlite3(path.join(dataDir, 'profile_results.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM profile_results ORDER BY id').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
