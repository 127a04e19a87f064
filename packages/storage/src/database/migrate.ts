import type { Database } from 'better-sqlite3';
import type { Migration } from './migration';

/**
 * Brings a database to the newest schema. The version lives in `PRAGMA user_version`; each step
 * runs in an IMMEDIATE transaction so two processes opening a new data dir at once cannot both
 * apply it (the second waits on the busy timeout, then sees the new version and skips).
 */
export function migrate(db: Database, migrations: readonly Migration[]): number {
  const latest = migrations.length;
  for (const [i, m] of migrations.entries()) {
    if (m.version !== i + 1) throw new Error(`migration list out of order at version ${m.version}`);
  }
  let version = db.pragma('user_version', { simple: true }) as number;
  if (version > latest) {
    throw new Error(`database schema version ${version} is newer than this software (${latest}): upgrade transcriber`);
  }
  while (version < latest) {
    const step = migrations[version];
    db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current !== version) return; // another process migrated meanwhile
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
    version = db.pragma('user_version', { simple: true }) as number;
  }
  return version;
}
