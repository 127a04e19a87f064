// Holds a write lock on a database for a while, as another process would: prints `locked` once it
// holds it and `released` after committing. The while is a number of ms, or `stdin`: until the
// parent writes a line (a test that must see something happen under the lock first), then ends
// stdin (an open stdin keeps this process alive). An optional SQL statement runs inside the lock, so the
// commit changes the database (a writing process, not only a locking one). The lock is EXCLUSIVE
// (no reader gets in) unless the fourth argument says `immediate` (readers may, writers wait).
import BetterSqlite3 from 'better-sqlite3';
import { nextStdinLine, runMain, sleep } from './common';

const [file, holdMs, sql, lock = 'exclusive'] = process.argv.slice(2);

runMain(async () => {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  db.exec(lock === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN EXCLUSIVE');
  if (sql) db.exec(sql);
  process.stdout.write('locked\n');
  const start = performance.now();
  await (holdMs === 'stdin' ? nextStdinLine() : sleep(Number(holdMs)));
  db.exec('COMMIT');
  db.close();
  process.stdout.write('released\n');
  return { held: Math.round(performance.now() - start) };
});
