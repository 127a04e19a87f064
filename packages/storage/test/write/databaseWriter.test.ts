import type { Database, Statement } from 'better-sqlite3';
import { DatabaseWriter, type WriteWork } from '@transcriber/storage';
import type { Migration } from '@transcriber/storage/databases';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { childExit, childSays, startChild } from '../../../../test/helpers/children';
import { captureDiag, type CapturedDiag } from '../../../../test/helpers/diag';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { busyWait, sleep, waitFor } from '../../../../test/helpers/wait';
import BetterSqlite3 from 'better-sqlite3';

const CHILDREN = path.join(__dirname, '..', 'children');

afterAll(removeTempDirs);

const MIGRATIONS: Migration[] = [{ version: 1, description: 'rows', sql: 'CREATE TABLE rows (n INTEGER NOT NULL);' }];

interface Statements {
  insert: Statement;
}

/** Work inserting the numbers `from`..`from + count - 1`, optionally taking `busyMs` per unit. */
function numbers(from: number, count: number, busyMs = 0): WriteWork<Statements> {
  return {
    rows: count,
    apply(statements) {
      if (busyMs > 0) busyWait(busyMs);
      for (let i = 0; i < count; i++) statements.insert.run(from + i);
    },
  };
}

interface TestOptions {
  maxPendingRows?: number;
  sliceMs?: number;
  rolledBack?: () => void;
  afterOpen?: (db: Database) => void;
  checkpointInWorker?: boolean;
  gatherMs?: number;
  afterTurn?: () => void;
}

function writerAt(file: string, options: TestOptions = {}) {
  const { rolledBack, checkpointInWorker, ...rest } = options;
  return new DatabaseWriter<Statements>({
    file,
    schema: {
      migrations: MIGRATIONS,
      prepare: (db: Database) => ({ insert: db.prepare('INSERT INTO rows (n) VALUES (?)') }),
      rolledBack,
    },
    checkpoints: checkpointInWorker ? 'beside' : 'in-commits',
    ...rest,
  });
}

function storedNumbers(file: string): number[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare('SELECT n FROM rows ORDER BY rowid').pluck().all() as number[];
  } finally {
    db.close();
  }
}

describe('DatabaseWriter', () => {
  let logged: CapturedDiag;
  let dir: string;
  let file: string;
  const writers: DatabaseWriter<Statements>[] = [];
  const track = (writer: DatabaseWriter<Statements>) => (writers.push(writer), writer);

  beforeEach(() => {
    logged = captureDiag();
    dir = makeTempDir();
    file = path.join(dir, 'data', 'w.db');
  });
  afterEach(() => {
    for (const writer of writers.splice(0)) writer.close();
    logged.restore();
  });

  it('writes queued work in order, off the caller, and tells when idle', async () => {
    const writer = track(writerAt(file));
    expect(writer.file).toBe(file);
    await writer.whenIdle(); // nothing queued
    writer.submit(numbers(0, 10));
    writer.submit(numbers(10, 5));
    expect(writer.rowsPending).toBe(15);
    expect(fs.existsSync(file)).toBe(false); // submit never touches the file itself
    await writer.whenIdle();
    expect(writer.rowsWritten).toBe(15);
    expect(writer.rowsPending).toBe(0);
    expect(storedNumbers(file)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(logged.warnings).toEqual([]);
  });

  it('a flush waits for the work submitted before it, not for work submitted after', async () => {
    const writer = track(writerAt(file, { sliceMs: 1 }));
    writer.submit(numbers(0, 10));
    const writtenAtFlush = writer.whenIdle().then(() => writer.rowsWritten);
    // Work submitted after the flush, 5 ms a unit: the first slice commits the flushed unit and at
    // most one of these, so a flush that waited for an empty queue would see all 30 rows.
    for (let i = 0; i < 20; i++) writer.submit(numbers(10 + i, 1, 5));
    expect(await writtenAtFlush).toBeGreaterThanOrEqual(10);
    expect(await writtenAtFlush).toBeLessThanOrEqual(11);
    await writer.whenIdle();
    expect(storedNumbers(file)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('yields to the event loop between slices of at most sliceMs (plus one unit of work)', async () => {
    const writer = track(writerAt(file, { sliceMs: 4 }));
    writer.submit(numbers(0, 1)); // open the database first: opening is not a slice
    await writer.whenIdle();
    // 100 units of ~1 ms each; every unit notes the event-loop turn it ran in.
    let turn = 0;
    const units: { turn: number }[] = [];
    for (let i = 0; i < 100; i++) {
      const unit = numbers(i * 10, 10, 1);
      writer.submit({
        rows: unit.rows,
        apply(statements, db) {
          unit.apply(statements, db);
          units.push({ turn });
        },
      });
    }
    let done = false;
    const tick = () => {
      turn++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    await writer.whenIdle();
    done = true;
    expect(writer.rowsWritten).toBe(1001);
    const unitsPerTurn = new Map<number, number>();
    for (const u of units) unitsPerTurn.set(u.turn, (unitsPerTurn.get(u.turn) ?? 0) + 1);
    // ~100 ms of work in 4 ms slices: at least 20 turns of the loop, and no slice ran more units
    // than fit its budget (each unit takes ≥ 1 ms, so a slice stops after 4 of them at most).
    // Counting units, not milliseconds, keeps this exact on a busy machine: being preempted only
    // makes a slice stop sooner.
    expect(unitsPerTurn.size).toBeGreaterThanOrEqual(20);
    expect(Math.max(...unitsPerTurn.values())).toBeLessThanOrEqual(4);
  });

  it('rolls a failed unit back as a whole and writes it once on the retry', async () => {
    const rolledBack = jest.fn();
    const writer = track(writerAt(file, { rolledBack }));
    let attempts = 0;
    writer.submit({
      rows: 3,
      apply(statements) {
        attempts++;
        statements.insert.run(1);
        statements.insert.run(2);
        if (attempts === 1) throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
        statements.insert.run(3);
      },
    });
    await waitFor('the retry', () => writer.rowsWritten === 3);
    expect(attempts).toBe(2);
    expect(rolledBack).toHaveBeenCalledTimes(1);
    expect(storedNumbers(file)).toEqual([1, 2, 3]);
    expect(logged.warnings).toHaveLength(1);
    expect(logged.warnings[0]).toMatch(/writing .*w\.db failed \(disk I\/O error\)/);
    expect(writer.currentFault).toBeUndefined();
  });

  it('writes the units of one turn in one transaction: a failure rolls the turn back, the retry writes each once', async () => {
    const rolledBack = jest.fn();
    // A long slice, so that all five units fit in one turn even on a loaded machine.
    const writer = track(writerAt(file, { rolledBack, sliceMs: 1_000 }));
    writer.submit(numbers(0, 1));
    await writer.whenIdle(); // opened
    const applied: number[] = [];
    let failNext = true;
    for (let unit = 0; unit < 5; unit++) {
      writer.submit({
        rows: 2,
        apply(statements, db) {
          applied.push(unit);
          // Every unit of the turn sees the same open transaction.
          expect(db.inTransaction).toBe(true);
          statements.insert.run(100 + unit * 2);
          statements.insert.run(101 + unit * 2);
          if (unit === 4 && failNext) {
            failNext = false;
            throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
          }
        },
      });
    }
    await waitFor('the retry', () => writer.rowsWritten === 11);
    // All five ran in the first turn and were rolled back together, then all five again.
    expect(applied).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(rolledBack).toHaveBeenCalledTimes(1);
    expect(storedNumbers(file)).toEqual([0, ...Array.from({ length: 10 }, (_, i) => 100 + i)]);
    expect(logged.warnings).toEqual([expect.stringMatching(/locked by another process/)]);
  });

  it('with gatherMs, work submitted turns apart waits and shares one transaction; a flush writes it at once', async () => {
    let turns = 0;
    // A minute: the flush below would time the test out if it waited for the gathering. A long
    // slice, so that both units fit in one turn even on a loaded machine.
    const writer = track(writerAt(file, { gatherMs: 60_000, sliceMs: 1_000, afterTurn: () => turns++ }));
    writer.submit(numbers(0, 1));
    await writer.whenIdle(); // opened
    turns = 0;
    const seen: { unit: number; turnsBefore: number; inTransaction: boolean }[] = [];
    const unit = (n: number): WriteWork<Statements> => ({
      rows: 1,
      apply(statements, db) {
        seen.push({ unit: n, turnsBefore: turns, inTransaction: db.inTransaction });
        statements.insert.run(n);
      },
    });
    writer.submit(unit(1));
    await sleep(20);
    writer.submit(unit(2));
    await sleep(20);
    expect(seen).toEqual([]);
    expect(writer.rowsPending).toBe(2);
    await writer.whenIdle();
    expect(seen).toEqual([
      { unit: 1, turnsBefore: 0, inTransaction: true },
      { unit: 2, turnsBefore: 0, inTransaction: true },
    ]);
    expect(turns).toBe(1);
    expect(storedNumbers(file)).toEqual([0, 1, 2]);
  });

  it('with gatherMs and no flush, the gathered work is written once gatherMs is up', async () => {
    const writer = track(writerAt(file, { gatherMs: 200 }));
    writer.submit(numbers(0, 3));
    // Timers run in the order they are due, and this one is due first however late the loop is.
    await sleep(20);
    expect(writer.rowsWritten).toBe(0);
    await waitFor('the gathered rows', () => writer.rowsWritten === 3);
    expect(storedNumbers(file)).toEqual([0, 1, 2]);
  });

  it('drainSync writes gathered work, and leaves no drain behind to run on a closed writer', async () => {
    let turns = 0;
    const writer = track(writerAt(file, { gatherMs: 50, afterTurn: () => turns++ }));
    writer.submit(numbers(0, 2));
    writer.close();
    expect(storedNumbers(file)).toEqual([0, 1]);
    const turnsAtClose = turns;
    await sleep(120);
    expect(turns).toBe(turnsAtClose);
  });

  it('takes the write lock before a unit reads: another process committing in between cannot fail it', async () => {
    const writer = track(writerAt(file));
    writer.submit(numbers(0, 1));
    await writer.whenIdle(); // created
    const other = new BetterSqlite3(file);
    other.pragma('busy_timeout = 0');
    let otherWrote: boolean | undefined;
    writer.submit({
      rows: 1,
      // Reads first, as a prune by row count does, then writes; another process tries to commit
      // in between. In a deferred transaction the read would pin a snapshot that the other commit
      // makes stale, and the write would fail with SQLITE_BUSY_SNAPSHOT (a wait cannot fix it).
      apply(statements, db) {
        db.prepare('SELECT max(n) FROM rows').pluck().get();
        try {
          other.exec('INSERT INTO rows (n) VALUES (-1)');
          otherWrote = true;
        } catch {
          otherWrote = false; // the writer already holds the lock: the other waits its turn
        }
        statements.insert.run(1);
      },
    });
    writer.drainSync();
    other.close();
    expect(otherWrote).toBe(false);
    expect(writer.currentFault).toBeUndefined();
    expect(storedNumbers(file)).toEqual([0, 1]);
    expect(logged.warnings).toEqual([]);
  });

  it('checkpointInWorker: commits never checkpoint on the event loop; a worker thread copies the WAL back', async () => {
    let connection: Database | undefined;
    const writer = writerAt(file, { checkpointInWorker: true, afterOpen: (db) => (connection = db) });
    for (let i = 0; i < 30; i++) writer.submit(numbers(i * 100, 100));
    await writer.whenIdle();
    // The worker starts with the first checkpoint, a quarter of a second after the file opened;
    // then SQLite's own checkpoint is pushed far out (a safety net for a worker that cannot keep up)...
    // (64 MiB of WAL, in pages of the file's size).
    const pageSize = connection!.pragma('page_size', { simple: true }) as number;
    await waitFor(
      'the checkpointer',
      () => (connection!.pragma('wal_autocheckpoint', { simple: true }) as number) * pageSize === 64 * 2 ** 20,
    );
    // ...and yet the pages reach the database file: the worker checkpointed them.
    const pages = connection!.pragma('page_count', { simple: true }) as number;
    await waitFor('the background checkpoint', () => fs.statSync(file).size >= pages * 4096);
    expect(storedNumbers(file)).toHaveLength(3000);
    writer.close();
    // The worker closes the file's last connection after the writer's, which removes the WAL.
    await waitFor('the WAL removed', () => !fs.existsSync(`${file}-wal`));
    expect(logged.warnings).toEqual([]);
  });

  it('keeps at most maxPendingRows while unwritable, dropping the oldest, and says so once', async () => {
    fs.writeFileSync(path.join(dir, 'data'), 'a file where the directory should be');
    const writer = track(writerAt(file, { maxPendingRows: 100 }));
    for (let i = 0; i < 30; i++) writer.submit(numbers(i * 10, 10));
    await waitFor('the fault', () => writer.currentFault !== undefined);
    for (let i = 30; i < 40; i++) writer.submit(numbers(i * 10, 10));
    expect(writer.rowsPending).toBe(100);
    expect(writer.rowsDropped).toBe(300);
    expect(logged.warnings.filter((w) => /dropping the oldest/.test(w))).toHaveLength(1);

    fs.rmSync(path.join(dir, 'data'));
    await waitFor('recovery', () => writer.rowsWritten === 100, 15_000);
    expect(storedNumbers(file)).toEqual(Array.from({ length: 100 }, (_, i) => 300 + i));
  });

  it('hands each new connection to afterOpen, and closes one that fails before use', async () => {
    const connections: Database[] = [];
    const writer = track(
      writerAt(file, {
        afterOpen(db) {
          connections.push(db);
          if (connections.length === 1) {
            throw Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
          }
          db.pragma('cache_size = -1024');
        },
      }),
    );
    writer.submit(numbers(0, 3));
    await waitFor('the second connection', () => writer.rowsWritten === 3);
    expect(connections).toHaveLength(2);
    // The first was closed before its file was set aside, not leaked.
    expect(connections[0].open).toBe(false);
    expect(connections[1].open).toBe(true);
    expect(connections[1].pragma('cache_size', { simple: true })).toBe(-1024);
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith('w.db.corrupt-'))).toHaveLength(1);
    expect(logged.warnings).toEqual([expect.stringMatching(/is not a valid SQLite database/)]);
  });

  it('drains synchronously on close and drops (with a warning) what arrives after', () => {
    const writer = writerAt(file);
    writer.submit(numbers(0, 4));
    writer.close();
    expect(writer.rowsWritten).toBe(4);
    expect(storedNumbers(file)).toEqual([0, 1, 2, 3]);
    writer.close(); // idempotent
    writer.submit(numbers(4, 2));
    expect(writer.rowsDropped).toBe(2);
    expect(logged.warnings).toEqual([expect.stringMatching(/write after shutdown dropped \(2 rows\)/)]);
  });

  it('at close, waits out another process briefly holding the lock instead of dropping the rows', async () => {
    const writer = writerAt(file);
    writer.submit(numbers(0, 1));
    await writer.whenIdle(); // open, no fault seen so far
    const locker = startChild(path.join(CHILDREN, 'holdLock.ts'), [file, '600']);
    const lockerExit = childExit(locker);
    await childSays(locker, 'locked');
    writer.submit(numbers(1, 9));
    writer.close(); // the final drain meets the lock: far longer than the 100 ms write timeout
    expect(writer.rowsDropped).toBe(0);
    expect(writer.rowsWritten).toBe(10);
    expect(await lockerExit).toMatchObject({ code: 0 });
    expect(storedNumbers(file)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(logged.warnings).toEqual([]);
  });

  it('drainSync writes everything at once', () => {
    const writer = track(writerAt(file));
    for (let i = 0; i < 50; i++) writer.submit(numbers(i, 1));
    writer.drainSync();
    expect(writer.rowsPending).toBe(0);
    expect(storedNumbers(file)).toHaveLength(50);
  });

  it('reports rows it could not write before shutdown', async () => {
    fs.writeFileSync(path.join(dir, 'data'), 'not a directory');
    const writer = writerAt(file);
    writer.submit(numbers(0, 7));
    await waitFor('the fault', () => writer.currentFault !== undefined);
    writer.close();
    expect(writer.rowsDropped).toBe(7);
    expect(logged.warnings).toEqual([
      expect.stringContaining('cannot write'),
      expect.stringContaining('7 rows could not be written before shutdown'),
    ]);
    await sleep(300); // no retry after close
    expect(fs.existsSync(file)).toBe(false);
  });
});
