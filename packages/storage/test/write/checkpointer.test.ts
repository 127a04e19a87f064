import BetterSqlite3 from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Checkpointer } from '../../src/write/checkpointer';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { sleep, waitFor } from '../../../../test/helpers/wait';

afterAll(removeTempDirs);

const SLOW_DRIVER = path.join(__dirname, 'fixtures', 'slowCheckpointDriver.js');

/** A WAL database with a few pages not yet checkpointed, its writer connection kept open. */
function walDatabase(file: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE rows (n INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO rows (n) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 1000; i++) insert.run(i);
  })();
  return db;
}

describe('Checkpointer', () => {
  let dir: string;
  let file: string;
  /** The calls the slow driver saw, in order. */
  const logged = () => {
    const log = `${file}.calls.log`;
    return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  };

  beforeEach(() => {
    dir = makeTempDir('transcriber-checkpointer-');
    file = path.join(dir, 'wal.db');
  });

  // Regression (issue 18.1, `npm run bench` aborting with SIGABRT): a thread is ended by its parent
  // (the writer thread after its close, the app at exit); better-sqlite3 aborts the process when an
  // SQLite error comes while its isolate is being ended. close() must leave the thread out of SQLite.
  it('close() waits out a checkpoint in progress, and the thread never calls SQLite after it', async () => {
    const writer = walDatabase(file);
    const checkpointer = new Checkpointer(
      file,
      () => {},
      () => {},
      SLOW_DRIVER,
    );
    checkpointer.request();
    await waitFor('the checkpoint to start', () => logged().includes('checkpoint start'));

    checkpointer.close();
    // Returned only once the checkpoint was over: the thread was out of SQLite by then. The close
    // that close() posted last may already have run too (the thread runs on: on Node 24 it often
    // had, and on any Node when this thread was descheduled for a moment after the return).
    const checkpointed = ['open', 'checkpoint start', 'checkpoint end'];
    expect([checkpointed, [...checkpointed, 'close']]).toContainEqual(logged());

    // Requests after close start nothing; the thread closes its connection and ends.
    checkpointer.request();
    await waitFor('the connection to close', () => logged().includes('close'));
    await sleep(400);
    expect(logged()).toEqual(['open', 'checkpoint start', 'checkpoint end', 'close']);
    writer.close();
  });

  it('a checkpoint asked for but not yet begun when close() comes never begins', async () => {
    const writer = walDatabase(file);
    const checkpointer = new Checkpointer(
      file,
      () => {},
      () => {},
      SLOW_DRIVER,
    );
    // The thread is still starting (tens of ms): the request waits in its port.
    checkpointer.request();
    checkpointer.close();
    await sleep(600);
    expect(logged().filter((line) => line.startsWith('checkpoint'))).toEqual([]);
    writer.close();
  });

  it('copies the WAL back into the file with the real driver', async () => {
    const writer = walDatabase(file);
    const before = fs.statSync(file).size;
    let checkpoints = 0;
    const checkpointer = new Checkpointer(
      file,
      () => checkpoints++,
      () => {},
    );
    checkpointer.request();
    await waitFor('the checkpoint', () => checkpoints === 1);
    expect(fs.statSync(file).size).toBeGreaterThan(before);
    checkpointer.close();
    writer.close();
  });
});
