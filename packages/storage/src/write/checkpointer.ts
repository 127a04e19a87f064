import { Worker } from 'node:worker_threads';

/**
 * The checkpointer thread's state in shared memory: IDLE, BUSY (in an SQLite call) or CLOSED.
 * It matters because of how better-sqlite3 reports an SQLite error: it constructs its SqliteError in JavaScript and aborts the whole
 * process (`FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal`, SIGABRT) when that construction
 * cannot run, which is the case while the thread's isolate is being terminated. A thread is
 * terminated when its parent ends: the writer thread after its close, the app's main thread at
 * exit. A checkpoint failing at that moment (its data directory just removed, a disk error) took
 * the app down with exit code 134. So the writer marks the state CLOSED, waiting out a checkpoint
 * in progress, before anything can end the thread; a CLOSED thread never calls SQLite again.
 */
const IDLE = 0;
const BUSY = 1;
const CLOSED = 2;

// Runs in the worker: its own connection, one PASSIVE checkpoint per request (never waits for a
// lock, never blocks the writer). Best effort: a failure only means the WAL is copied back later.
// Every SQLite call is bracketed by the shared state (IDLE, BUSY, CLOSED): once the writer has
// marked it closed, this thread never calls SQLite again, so it can be torn down at any moment.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const state = new Int32Array(workerData.state);
let db;
parentPort.on('message', (message) => {
  if (message === 'close') {
    try { db?.close(); } catch {}
    parentPort.close();
    return;
  }
  if (Atomics.compareExchange(state, 0, ${IDLE}, ${BUSY}) !== ${IDLE}) return;
  try {
    // No busy timeout: a checkpoint that would wait for a lock is skipped, never held.
    db ??= new Database(workerData.file, { fileMustExist: true, timeout: 0 });
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    try { db?.close(); } catch {}
    db = undefined;
  } finally {
    Atomics.store(state, 0, ${IDLE});
    Atomics.notify(state, 0);
  }
  parentPort.postMessage('done');
});
`;

/**
 * Copies a database's WAL back into the file from a worker thread. A checkpoint writes the pages
 * and syncs the disk twice (10–40 ms on the development machine's disk): done by SQLite's automatic
 * checkpoint inside the writer's commit, that stalls the app's event loop, so the writer asks this
 * one after its commits instead and leaves SQLite's own only as a far-off safety net.
 *
 * The WAL starts over from its beginning only after a checkpoint that copied all of it, so the
 * writer holds its commits while one runs (see CheckpointScheduler): otherwise, written to all the
 * time, the WAL would only grow.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly state = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private running = false;
  private runningSince = 0;
  private again = false;
  private closed = false;

  /**
   * Throws when no worker can be started; the caller then keeps SQLite's automatic checkpoint.
   * `onDone` is called after each checkpoint; `onExit` if the worker stops by itself, so the caller
   * can turn SQLite's own back on. `driver` is the module the thread opens the file with
   * (better-sqlite3; tests wrap it to watch its calls).
   */
  constructor(file: string, onDone: () => void, onExit: () => void, driver = require.resolve('better-sqlite3')) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver, state: this.state.buffer },
      // The worker holds no JS state worth a large heap.
      resourceLimits: { maxOldGenerationSizeMb: 16 },
    });
    this.worker.on('message', () => {
      this.running = false;
      if (this.again) this.request();
      else onDone();
    });
    this.worker.on('error', () => {}); // followed by 'exit'
    this.worker.on('exit', () => {
      if (!this.closed) onExit();
    });
    // After the listeners: adding a 'message' listener refs the worker's port again, which would
    // keep the app alive forever after its last checkpoint.
    this.worker.unref();
  }

  /** Milliseconds the current checkpoint has been running, 0 when none is. */
  runningForMs(): number {
    return this.running ? performance.now() - this.runningSince : 0;
  }

  /** Asks for a checkpoint; requests made while one runs fold into one more after it. */
  request(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.runningSince = performance.now();
    this.again = false;
    this.worker.postMessage('checkpoint');
  }

  /**
   * Stops the checkpoints: waits for one in progress (a PASSIVE checkpoint never waits for a lock,
   * so this is a checkpoint's disk writes at most), after which the thread never calls SQLite
   * again and may be ended at any moment; then it closes its connection (checkpointing, if it is
   * the file's last) and ends.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    while (Atomics.compareExchange(this.state, 0, IDLE, CLOSED) === BUSY) {
      Atomics.wait(this.state, 0, BUSY);
    }
    this.worker.postMessage('close');
  }
}
