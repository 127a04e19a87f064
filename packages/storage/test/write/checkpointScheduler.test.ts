// When the writer asks for a checkpoint, on a real WAL database with a real checkpointer thread.
// The scheduler's clock (setTimeout, performance.now) is Jest's fake one, so ten seconds pass in
// no time; the thread's answers come through its message port, which the fake clock leaves alone.
import BetterSqlite3 from 'better-sqlite3';
import * as path from 'node:path';
import { CheckpointScheduler } from '../../src/write/checkpointScheduler';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const SQLITE_DEFAULT_CHECKPOINT_PAGES = 1000;

/** Waits, in real time (the fake clock leaves Date and setImmediate alone), until `done`. */
async function until(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets real time pass (the checkpointer thread would answer in it if it had been asked). */
async function realPause(ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) await new Promise((resolve) => setImmediate(resolve));
}

describe('CheckpointScheduler', () => {
  let db: BetterSqlite3.Database;
  let scheduler: CheckpointScheduler;
  let checkpoints: number;
  let insert: (rows: number) => number;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['Date', 'setImmediate', 'nextTick', 'queueMicrotask'] });
    const file = path.join(makeTempDir('transcriber-checkpoints-'), 'wal.db');
    db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE rows (n INTEGER NOT NULL)');
    const statement = db.prepare('INSERT INTO rows (n) VALUES (?)');
    insert = db.transaction((rows: number) => {
      for (let i = 0; i < rows; i++) statement.run(i);
      return rows;
    });
    checkpoints = 0;
    // Its checkpointer calls this after each checkpoint (commits are not held: `false`).
    scheduler = new CheckpointScheduler(file, false, () => checkpoints++);
    scheduler.opened(db);
  });

  afterEach(() => {
    scheduler.closing();
    db.close();
    jest.useRealTimers();
  });

  /** Whether the checkpointer thread has started (it pushes SQLite's own checkpoint far out). */
  const threadStarted = () => db.pragma('wal_autocheckpoint', { simple: true }) !== SQLITE_DEFAULT_CHECKPOINT_PAGES;

  it('checkpoints a slow writer 10 s after the file opened, not after each commit', async () => {
    for (let second = 0; second < 9; second++) {
      scheduler.afterCommit(insert(5));
      jest.advanceTimersByTime(1_000);
    }
    jest.advanceTimersByTime(999);
    await realPause(300);
    expect(checkpoints).toBe(0);
    expect(threadStarted()).toBe(false);

    jest.advanceTimersByTime(1);
    await until('the checkpoint', () => checkpoints === 1);
    expect(threadStarted()).toBe(true);
  });

  it('checkpoints 250 ms after the last checkpoint once 1,000 rows were committed since', async () => {
    scheduler.afterCommit(insert(600));
    jest.advanceTimersByTime(100);
    // 1,200 rows: the checkpoint due in 10 s comes forward to 250 ms after the file opened.
    scheduler.afterCommit(insert(600));
    jest.advanceTimersByTime(149);
    await realPause(300);
    expect(checkpoints).toBe(0);
    jest.advanceTimersByTime(1);
    await until('the first checkpoint', () => checkpoints === 1);

    // Counted again from this checkpoint: a few rows wait 10 s, a thousand more 250 ms.
    scheduler.afterCommit(insert(10));
    jest.advanceTimersByTime(5_000);
    await realPause(300);
    expect(checkpoints).toBe(1);
    scheduler.afterCommit(insert(1_000));
    await until('the second checkpoint', () => checkpoints === 2);
  });

  it('checkpoints once more after the last commit of a fast writer', async () => {
    scheduler.afterCommit(insert(2_000));
    jest.advanceTimersByTime(250);
    await until('the first checkpoint', () => checkpoints === 1);
    scheduler.afterCommit(insert(2_000));
    jest.advanceTimersByTime(249);
    await realPause(300);
    expect(checkpoints).toBe(1);
    jest.advanceTimersByTime(1);
    await until('the checkpoint after the last commit', () => checkpoints === 2);
  });
});
