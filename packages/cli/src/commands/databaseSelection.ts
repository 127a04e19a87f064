import { DATABASE_NAMES, type DatabaseName } from '@transcriber/sqlite-exporter/read';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatabaseNameOption } from '../databaseNames';

/** The databases a maintenance command works on: the one named, else every one that exists. */
export function selectedDatabases(dataDir: string, database: DatabaseNameOption | undefined): DatabaseName[] {
  if (database !== undefined) return [database];
  const existing = DATABASE_NAMES.filter((name) => fs.existsSync(path.join(dataDir, `${name}.db`)));
  // None at all: name the first so the user gets the "missing data dir / database" error for it.
  return existing.length > 0 ? existing : [DATABASE_NAMES[0]];
}
