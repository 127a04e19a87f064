// Holds an exclusive (write) lock on a database for a while, as another process would: prints
// `locked` once it holds it and `released` after committing.
import BetterSqlite3 from 'better-sqlite3';
import { runMain, sleep } from './common';

const [file, holdMs] = process.argv.slice(2);

runMain(async () => {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  db.exec('BEGIN EXCLUSIVE');
  process.stdout.write('locked\n');
  await sleep(Number(holdMs));
  db.exec('COMMIT');
  db.close();
  process.stdout.write('released\n');
  return { held: Number(holdMs) };
});
