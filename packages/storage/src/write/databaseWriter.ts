import type { Database } from 'better-sqlite3';
import { diag } from '@opentelemetry/api';
import * as fs from 'node:fs';
import type { Migration } from '../database/migration';
import { openDatabaseForWriting } from '../database/openDatabase';
import { Checkpointer } from './checkpointer';
import { classifyStorageError, describeFault, type StorageFault } from './storageFault';

/** A unit of rows written in one transaction, with the statements prepared for the database. */
export interface WriteWork<S> {
  readonly rows: number;
  apply(statements: S, db: Database): void;
}

export interface DatabaseWriterOptions<S> {
  file: string;
  migrations: readonly Migration[];
  /** Prepares the statements once per opened database. */
  prepare(db: Database): S;
  /** Called after a transaction's last unit of work, inside it (state the units built up is written). */
  beforeCommit?(statements: S): void;
  /** Called after a transaction rolled back, to forget state cached from inside it. */
  rolledBack?(statements: S): void;
  /** Rows kept in memory while the database cannot be written; older work is dropped past it. */
  maxPendingRows?: number;
  /** Longest time one turn of the writer may block the event loop before yielding, ms. */
  sliceMs?: number;
  /**
   * How long work submitted to an idle writer waits for more before the writer starts, ms (0: the
   * next turn). On a thread of its own, gathering more rows per transaction makes each cheaper.
   */
  gatherMs?: number;
  /** Called with each newly opened connection before statements are prepared (per-connection pragmas). */
  afterOpen?(db: Database): void;
  /**
   * Copy the WAL back into the file from a worker thread instead of inside commits (whose
   * automatic checkpoint syncs the disk and stalls the event loop for tens of ms). For files
   * written continuously; default false.
   */
  checkpointInWorker?: boolean;
  /**
   * With `checkpointInWorker`: whether commits wait for a running checkpoint, so that it copies the
   * whole WAL and the next commit starts the WAL over (default true). Without waiting, the WAL
   * grows while writes never pause, up to SQLite's own checkpoint at 64 MiB inside a commit: for a
   * writer on a thread of its own, where a commit may take that long, not the app's.
   */
  waitForCheckpoints?: boolean;
  /** Called as each unit of work leaves the queue: written, or dropped (overflow, shutdown). */
  settled?(work: WriteWork<S>, written: boolean): void;
  /** Called when the writer enters a fault or recovers from it (undefined). */
  faultChanged?(fault: StorageFault | undefined): void;
  /**
   * Called after each turn of writing (a slice, or a fault's retry), outside any transaction: a
   * producer that hands work over only as the writer needs it submits more here.
   */
  turnEnded?(): void;
}

const MAX_RETRY_DELAY_MS = 30_000;
const FIRST_RETRY_DELAY_MS = 250;
const SHUTDOWN_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_MAX_PENDING_ROWS = 100_000;
/** How often, at most, the writer asks its checkpointer to copy the WAL back while writing. */
const CHECKPOINT_EVERY_MS = 250;
/**
 * Longest the writer holds its commits for a running checkpoint: past it, another process's
 * writes or a long read keep it from finishing anyway.
 */
const MAX_CHECKPOINT_WAIT_MS = 1_000;
const SQLITE_DEFAULT_CHECKPOINT_PAGES = 1000;
/**
 * SQLite's own checkpoint, kept as a safety net, at 64 MiB of WAL (set in pages, so divided by the
 * file's page size: 4 KiB in files made by earlier versions, 16 KiB now). The background
 * checkpoint (every 250 ms) keeps the WAL far below this; bulk bursts may not.
 */
const SAFETY_NET_CHECKPOINT_BYTES = 64 * 2 ** 20;

/**
 * The only thing that writes a database file. Work is queued and written a few milliseconds at a
 * time, one transaction per slice, yielding to the event loop in between (better-sqlite3 is
 * synchronous: a big write in one go would stall a real-time audio loop). Optionally a worker
 * thread does the WAL checkpoints, whose disk syncs would otherwise land inside a commit. When the
 * file cannot be written, work stays queued (bounded) and is retried with backoff; each fault is
 * reported once through the OTel diagnostic logger (recovery at info level). Nothing here throws
 * to the caller.
 */
export class DatabaseWriter<S> {
  private readonly options: Required<DatabaseWriterOptions<S>>;
  private db: Database | undefined;
  private statements: S | undefined;
  /** Applies queued work from the head in one transaction until the deadline; returns how many. */
  private runInTransaction: ((deadline: number) => number) | undefined;
  private checkpointer: Checkpointer | undefined;
  /** Whether a checkpointer may be (or is) used: asked for, and none failed to start or died. */
  private checkpointerWanted: boolean;
  private lastCheckpointRequest = 0;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointWaitTimer: NodeJS.Timeout | undefined;
  private awaitingCheckpoint = false;
  /** How long the last commit took: the next slice leaves room for its own. */
  private lastCommitMs = 0;
  private bodyEnd = 0;
  private readonly queue: WriteWork<S>[] = [];
  private queuedRows = 0;
  private droppedRows = 0;
  private written = 0;
  private fault: StorageFault | undefined;
  private retryDelayMs = FIRST_RETRY_DELAY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private draining = false;
  private closed = false;
  private closing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(options: DatabaseWriterOptions<S>) {
    this.options = {
      sliceMs: 4,
      gatherMs: 0,
      beforeCommit: () => {},
      rolledBack: () => {},
      afterOpen: () => {},
      checkpointInWorker: false,
      waitForCheckpoints: true,
      settled: () => {},
      faultChanged: () => {},
      turnEnded: () => {},
      ...options,
      maxPendingRows: 0,
    };
    // Not in the spread: SqliteStorage passes its own option through, often as `undefined`.
    this.options.maxPendingRows = options.maxPendingRows ?? DEFAULT_MAX_PENDING_ROWS;
    this.checkpointerWanted = this.options.checkpointInWorker;
  }

  get file(): string {
    return this.options.file;
  }

  /** Rows written since the writer was created. */
  get rowsWritten(): number {
    return this.written;
  }

  /** Rows dropped because the pending queue overflowed while the database was unwritable. */
  get rowsDropped(): number {
    return this.droppedRows;
  }

  /** Rows waiting to be written. */
  get rowsPending(): number {
    return this.queuedRows;
  }

  /** The current fault, if the database cannot be written right now. */
  get currentFault(): StorageFault | undefined {
    return this.fault;
  }

  /** Queues work; it is written within a few event-loop turns, or kept and retried on a fault. */
  submit(work: WriteWork<S>): void {
    if (this.closed) {
      this.droppedRows += work.rows;
      diag.warn(`transcriber: ${this.options.file}: write after shutdown dropped (${work.rows} rows)`);
      this.options.settled(work, false);
      return;
    }
    this.queue.push(work);
    this.queuedRows += work.rows;
    this.enforceBound();
    this.scheduleDrain(this.options.gatherMs);
  }

  /** Resolves when everything queued is written, or is waiting on a fault's retry. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 || this.fault !== undefined) return Promise.resolve();
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    // A flush does not wait for a background checkpoint: its timers do not keep the process
    // alive, and an app awaiting the flush at its end would exit before its next line.
    if (this.awaitingCheckpoint) this.checkpointDone();
    return idle;
  }

  /** Writes everything queued now, in one go (used at shutdown and process exit). */
  drainSync(): void {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.drain(Infinity);
  }

  /** Final drain, then closes the database. Pending work that still cannot be written is reported. */
  close(): void {
    if (this.closed) return;
    // The app is shutting down: waiting for another process's lock is now better than losing the
    // rows, so the final drain waits as long as opening does. Always, not only after a lock was
    // seen: several processes writing at once can keep one waiting past the short timeout at any
    // moment (SQLite's busy handler is not a fair queue), and this drain has no retry after it.
    this.closing = true;
    this.db?.pragma(`busy_timeout = ${SHUTDOWN_BUSY_TIMEOUT_MS}`);
    this.drainSync();
    this.closed = true;
    if (this.queuedRows > 0) {
      diag.warn(`transcriber: ${this.options.file}: ${this.queuedRows} rows could not be written before shutdown`);
      this.droppedRows += this.queuedRows;
      for (const work of this.queue) this.options.settled(work, false);
      this.queue.length = 0;
      this.queuedRows = 0;
    }
    this.closeDatabase();
    this.notifyIdle();
  }

  private scheduleDrain(afterMs = 0): void {
    if (this.draining || this.retryTimer !== undefined) return;
    this.draining = true;
    const run = () => {
      this.draining = false;
      this.turn();
    };
    if (afterMs > 0) setTimeout(run, afterMs).unref();
    else setImmediate(run);
  }

  /** One slice of writing, and the next one scheduled while work is left. */
  private turn(): void {
    this.drain(this.options.sliceMs);
    if (this.queue.length > 0 && this.fault === undefined && !this.awaitingCheckpoint) this.scheduleDrain();
    this.options.turnEnded();
  }

  /**
   * Writes queued work until the budget is spent. Consecutive units share a transaction (one
   * commit per slice rather than per unit: commits are most of SQLite's cost per row), and the
   * deadline is checked between units, so a slice ends at most one unit past its budget.
   */
  private drain(budgetMs: number): void {
    const deadline = performance.now() + budgetMs;
    while (this.queue.length > 0) {
      if (!this.ensureOpen()) return;
      // (Not on a fault's retry: nothing would schedule another one after the checkpoint.)
      if (budgetMs !== Infinity && this.fault === undefined && this.waitForCheckpoint()) return;
      let applied: number;
      try {
        // The commit comes after the last unit: leave it the time the previous one took.
        applied = this.runInTransaction!(deadline - Math.min(this.lastCommitMs, budgetMs / 2));
        this.lastCommitMs = performance.now() - this.bodyEnd;
      } catch (err) {
        this.options.rolledBack(this.statements!);
        this.onFault(err);
        return;
      }
      // Recovered before the work is reported written: whoever sees the rows written (another
      // thread, through `settled`) must not see the fault that held them still standing.
      this.onSuccess();
      for (const work of this.queue.splice(0, applied)) {
        this.queuedRows -= work.rows;
        this.written += work.rows;
        this.options.settled(work, true);
      }
      this.afterCommit();
      if (performance.now() >= deadline) break;
    }
    if (this.queue.length === 0) this.notifyIdle();
  }

  /**
   * True while a background checkpoint runs (for at most MAX_CHECKPOINT_WAIT_MS, and not while a
   * flush waits): commits wait, so that it can copy the whole WAL and the next commit starts the
   * WAL over. The writer drains again when the checkpoint is done, or when the wait is up.
   */
  private waitForCheckpoint(): boolean {
    if (!this.options.waitForCheckpoints) return false;
    const runningFor = this.checkpointer?.runningForMs() ?? 0;
    if (runningFor === 0 || runningFor >= MAX_CHECKPOINT_WAIT_MS || this.idleWaiters.length > 0) return false;
    this.awaitingCheckpoint = true;
    if (this.checkpointWaitTimer === undefined) {
      this.checkpointWaitTimer = setTimeout(() => this.checkpointDone(), MAX_CHECKPOINT_WAIT_MS - runningFor);
      this.checkpointWaitTimer.unref();
    }
    return true;
  }

  private checkpointDone(): void {
    this.awaitingCheckpoint = false;
    if (this.checkpointWaitTimer !== undefined) {
      clearTimeout(this.checkpointWaitTimer);
      this.checkpointWaitTimer = undefined;
    }
    if (this.queue.length > 0 && this.fault === undefined && !this.closed) this.scheduleDrain();
  }

  /** Asks for a checkpoint at most every CHECKPOINT_EVERY_MS, and once more after the last commit. */
  private afterCommit(): void {
    if (!this.checkpointerWanted || this.checkpointTimer !== undefined) return;
    const wait = this.lastCheckpointRequest + CHECKPOINT_EVERY_MS - performance.now();
    if (wait <= 0) {
      this.requestCheckpoint();
      return;
    }
    this.checkpointTimer = setTimeout(() => this.requestCheckpoint(), wait);
    this.checkpointTimer.unref();
  }

  private requestCheckpoint(): void {
    if (this.checkpointTimer !== undefined) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    this.lastCheckpointRequest = performance.now();
    if (this.checkpointer === undefined && this.checkpointerWanted && this.db !== undefined) {
      this.startCheckpointer(this.db);
    }
    this.checkpointer?.request();
  }

  private ensureOpen(): boolean {
    if (this.db !== undefined) return true;
    let opened: Database | undefined;
    try {
      const db = openDatabaseForWriting(this.options.file, this.options.migrations, {
        busyTimeoutMs: this.closing ? SHUTDOWN_BUSY_TIMEOUT_MS : undefined,
      });
      opened = db;
      this.options.afterOpen(db);
      const statements = this.options.prepare(db);
      this.db = db;
      this.statements = statements;
      const queue = this.queue;
      const beforeCommit = this.options.beforeCommit;
      // BEGIN IMMEDIATE: the write lock is taken (waiting up to the busy timeout) before any unit
      // reads. In a deferred transaction a unit that reads first (a prune by row count) pins a
      // snapshot; another process committing before its first write makes that write fail with
      // SQLITE_BUSY_SNAPSHOT, which no wait fixes — at shutdown, rows lost.
      this.runInTransaction = db.transaction((deadline: number) => {
        let applied = 0;
        do queue[applied++].apply(statements, db);
        while (applied < queue.length && performance.now() < deadline);
        beforeCommit(statements);
        this.bodyEnd = performance.now();
        return applied;
      }).immediate;
      // The checkpointer (a thread) starts with the first checkpoint, CHECKPOINT_EVERY_MS after
      // opening: a process that writes a few rows and ends never pays for it (its exit drain and
      // the connection's close checkpoint the little WAL there is).
      this.lastCheckpointRequest = performance.now();
      return true;
    } catch (err) {
      // Opened but unusable (e.g. a damaged schema fails `prepare`): close it before any set-aside.
      opened?.close();
      this.onFault(err);
      return false;
    }
  }

  private startCheckpointer(db: Database): void {
    try {
      const checkpointer = new Checkpointer(
        this.options.file,
        () => this.checkpointDone(),
        () => {
          // The worker died: SQLite's own checkpoint takes over again.
          if (this.checkpointer !== checkpointer) return;
          this.checkpointer = undefined;
          this.checkpointerWanted = false;
          this.db?.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_CHECKPOINT_PAGES}`);
          this.checkpointDone();
        },
      );
      // SQLite's own checkpoint stays as a safety net: it only runs if the WAL passes 64 MiB,
      // which happens only while the worker cannot finish (continuous bulk writes, a long reader).
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`wal_autocheckpoint = ${Math.round(SAFETY_NET_CHECKPOINT_BYTES / pageSize)}`);
      this.checkpointer = checkpointer;
    } catch {
      // No worker thread available: keep SQLite's automatic checkpoint.
      this.checkpointerWanted = false;
    }
  }

  private onFault(err: unknown): void {
    const fault = classifyStorageError(err);
    if (fault !== this.fault) {
      diag.warn(`transcriber: ${describeFault(fault, this.options.file, err)}`);
      this.fault = fault;
      this.options.faultChanged(fault);
    }
    if (fault === 'corrupt') {
      this.setCorruptFileAside();
      this.retryDelayMs = 0;
    } else if (fault === 'locked' || fault === 'full' || fault === 'other') {
      // The connection is fine; keep it and retry the same work later.
    } else {
      this.closeDatabase();
    }
    this.scheduleRetry();
    this.notifyIdle();
  }

  private onSuccess(): void {
    if (this.fault === undefined) return;
    // Info, not a warning: each fault gives people one warning, and recovery is no news to act on.
    diag.info(`transcriber: ${this.options.file} is writable again; pending telemetry written`);
    this.fault = undefined;
    this.retryDelayMs = FIRST_RETRY_DELAY_MS;
    this.options.faultChanged(undefined);
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, FIRST_RETRY_DELAY_MS), MAX_RETRY_DELAY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.turn();
    }, delay);
    // A retry must never keep the app alive; exit paths drain synchronously instead.
    this.retryTimer.unref();
  }

  private setCorruptFileAside(): void {
    this.closeDatabase();
    const aside = `${this.options.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        fs.renameSync(this.options.file + suffix, aside + suffix);
      } catch {
        // -wal/-shm may not exist; a failure on the main file shows up again at the next open.
      }
    }
  }

  private enforceBound(): void {
    let dropped = 0;
    while (this.queuedRows > this.options.maxPendingRows && this.queue.length > 1) {
      const oldest = this.queue.shift()!;
      this.queuedRows -= oldest.rows;
      dropped += oldest.rows;
      this.options.settled(oldest, false);
    }
    if (dropped > 0) {
      if (this.droppedRows === 0) {
        diag.warn(
          `transcriber: ${this.options.file}: more than ${this.options.maxPendingRows} rows waiting; dropping the oldest`,
        );
      }
      this.droppedRows += dropped;
    }
  }

  private closeDatabase(): void {
    this.checkpointer?.close();
    this.checkpointer = undefined;
    this.awaitingCheckpoint = false;
    for (const timer of [this.checkpointTimer, this.checkpointWaitTimer]) if (timer !== undefined) clearTimeout(timer);
    this.checkpointTimer = undefined;
    this.checkpointWaitTimer = undefined;
    if (this.db === undefined) return;
    try {
      this.db.close();
    } catch {
      // Closing a broken handle may fail; there is nothing left to release.
    }
    this.db = undefined;
    this.statements = undefined;
    this.runInTransaction = undefined;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    if (waiters.length === 0) return;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
