import { Worker } from 'node:worker_threads';

// Runs in the worker: its own connection, one PASSIVE checkpoint per request (never waits for a
// lock, never blocks the writer). Best effort: a failure only means the WAL is copied back later.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
parentPort.on('message', (message) => {
  if (message === 'close') {
    try { db?.close(); } catch {}
    parentPort.close();
    return;
  }
  try {
    db ??= new Database(workerData.file, { fileMustExist: true });
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    try { db?.close(); } catch {}
    db = undefined;
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
 * writer holds its commits while one runs (see DatabaseWriter): otherwise, written to all the
 * time, the WAL would only grow.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private running = false;
  private runningSince = 0;
  private again = false;
  private closed = false;

  /**
   * Throws when no worker can be started; the caller then keeps SQLite's automatic checkpoint.
   * `onDone` is called after each checkpoint; `onExit` if the worker stops by itself, so the caller
   * can turn SQLite's own back on.
   */
  constructor(file: string, onDone: () => void, onExit: () => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver: require.resolve('better-sqlite3') },
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

  /** The worker closes its connection (checkpointing, if it is the file's last) and ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.postMessage('close');
  }
}
