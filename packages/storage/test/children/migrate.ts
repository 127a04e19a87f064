// Opens (creating and migrating) a database at `startAtMs`, as a starting instrumented process
// does. `slow` uses a migration that takes long enough for two processes to overlap in it.
import { migrationsFor, openDatabaseForWriting, type Migration } from '@transcriber/storage/databases';
import { runMain, sleepUntil } from './common';

const [file, startAtMs, kind] = process.argv.slice(2);

const SLOW_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'a table filled with 1,000,000 rows',
    sql: `CREATE TABLE t (x INTEGER NOT NULL);
      INSERT INTO t SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000)
      SELECT x FROM c);`,
  },
  {
    version: 2,
    description: 'an index and one more row',
    sql: 'CREATE INDEX t_x ON t (x); INSERT INTO t VALUES (-1);',
  },
];

runMain(async () => {
  await sleepUntil(Number(startAtMs));
  const started = Date.now();
  const db = openDatabaseForWriting(file, kind === 'slow' ? SLOW_MIGRATIONS : migrationsFor('performance_metrics'));
  const result = {
    version: db.pragma('user_version', { simple: true }) as number,
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    rows: kind === 'slow' ? (db.prepare('SELECT count(*) FROM t').pluck().get() as number) : undefined,
    startedAt: started,
    finishedAt: Date.now(),
  };
  db.close();
  return result;
});
