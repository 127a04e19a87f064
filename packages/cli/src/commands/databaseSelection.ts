import { DATABASE_NAMES, databasePath, type DatabaseName } from '@transcriber/storage/files';
import * as fs from 'node:fs';

/** The databases a maintenance command works on: the one named, else every one that exists. */
export function selectedDatabases(dataDir: string, database: DatabaseName | undefined): DatabaseName[] {
  if (database !== undefined) return [database];
  const existing = DATABASE_NAMES.filter((name) => fs.existsSync(databasePath(dataDir, name)));
  // None at all: name the first so the user gets the "missing data dir / database" error for it.
  return existing.length > 0 ? existing : [DATABASE_NAMES[0]];
}
