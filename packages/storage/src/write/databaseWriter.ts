import type { Database } from 'better-sqlite3';
import { diag } from '@opentelemetry/api';
import * as fs from 'node:fs';
import type { Migration } from '../database/migration';
import { openDatabaseForWriting } from '../database/openDatabase';
import { CheckpointScheduler } from './checkpointScheduler';
import { FaultState } from './faultState';
import type { StorageFault } from './storageFault';
import { TransactionSlicer } from './transactionSlicer';
import { WriteQueue, type WriteWork } from './writeQueue';

/** What a writer writes: the database's schema and the statements its work runs. */
export interface WriterSchema<S> {
  migrations: readonly Migration[];
  /** Prepares the statements once per opened database. */
  prepare(db: Database): S;
  /** Called after a transaction's last unit of work, inside it (state the units built up is written). */
  beforeCommit?(statements: S): void;
  /** Called after a transaction rolled back, to forget state cached from inside it. */
  rolledBack?(statements: S): void;
}

/**
 * Where the WAL is copied back into the file: by SQLite inside commits (`in-commits`, the
 * default), or by a checkpointer thread beside the writer, with commits waiting for a running
 * checkpoint (`beside`: for the app's thread, see CheckpointScheduler) or never (`beside-unwaited`:
 * for a writer on a thread of its own, where a commit may take that long).
 */
export type CheckpointMode = 'in-commits' | 'beside' | 'beside-unwaited';

export interface DatabaseWriterOptions<S> {
  file: string;
  schema: WriterSchema<S>;
  /** Called with each newly opened connection before statements are prepared (per-connection pragmas). */
  afterOpen?(db: Database): void;
  /** Rows kept in memory while the database cannot be written; older work is dropped past it. */
  maxPendingRows?: number;
  /** Longest time one turn of the writer may block the event loop before yielding, ms. */
  sliceMs?: number;
  /**
   * How long work submitted to an idle writer waits for more before the writer starts, ms (0: the
   * next turn). Gathering more rows per transaction makes each cheaper, and merges the commits of
   * producers on timers of their own (span batches, resource samples). A flush (`whenIdle`) does
   * not wait for it: the gathered work is written at once.
   */
  gatherMs?: number;
  /** Default `in-commits`; `beside` for files written continuously on the app's thread. */
  checkpoints?: CheckpointMode;
  /**
   * Called after each turn of writing (a slice, or a fault's retry), outside any transaction: a
   * producer that hands work over only as the writer needs it submits more here.
   */
  afterTurn?(): void;
}

const SHUTDOWN_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_MAX_PENDING_ROWS = 100_000;

/**
 * Writes one database file. Work is queued (WriteQueue) and written a few milliseconds at a time,
 * one transaction per slice (TransactionSlicer), yielding to the event loop in between
 * (better-sqlite3 is synchronous: a big write in one go would stall a real-time audio loop).
 * Optionally a thread does the WAL checkpoints (CheckpointScheduler), whose disk syncs would
 * otherwise land inside a commit. When the file cannot be written, work stays queued (bounded) and
 * is retried with backoff (FaultState); corrupt files are set aside. Nothing here throws to the
 * caller.
 */
export class DatabaseWriter<S> {
  readonly file: string;
  private readonly schema: WriterSchema<S>;
  private readonly afterOpen: (db: Database) => void;
  private readonly sliceMs: number;
  private readonly gatherMs: number;
  private readonly afterTurn: () => void;
  private readonly queue: WriteQueue<S>;
  private readonly faults: FaultState;
  private readonly checkpoints: CheckpointScheduler | undefined;
  private connection: TransactionSlicer<S> | undefined;
  private draining = false;
  /** The timer of a drain waiting out `gatherMs`, while one is. */
  private gathering: NodeJS.Timeout | undefined;
  private closed = false;
  private closing = false;

  constructor(options: DatabaseWriterOptions<S>) {
    this.file = options.file;
    this.schema = options.schema;
    this.afterOpen = options.afterOpen ?? (() => {});
    this.sliceMs = options.sliceMs ?? 4;
    this.gatherMs = options.gatherMs ?? 0;
    this.afterTurn = options.afterTurn ?? (() => {});
    this.queue = new WriteQueue(this.file, options.maxPendingRows ?? DEFAULT_MAX_PENDING_ROWS);
    this.faults = new FaultState(this.file);
    const checkpoints = options.checkpoints ?? 'in-commits';
    if (checkpoints !== 'in-commits') {
      this.checkpoints = new CheckpointScheduler(this.file, checkpoints === 'beside', () => this.resume());
    }
  }

  /** Rows written since the writer was created. */
  get rowsWritten(): number {
    return this.queue.rowsWritten;
  }

  /** Rows dropped: past the pending bound while the database was unwritable, or at shutdown. */
  get rowsDropped(): number {
    return this.queue.rowsDropped;
  }

  /** Rows waiting to be written. */
  get rowsPending(): number {
    return this.queue.rowsPending;
  }

  /** Units of work written or dropped since the writer was created (they leave in submission order). */
  get unitsSettled(): number {
    return this.queue.unitsSettled;
  }

  /** The current fault, if the database cannot be written right now. */
  get currentFault(): StorageFault | undefined {
    return this.faults.current;
  }

  /** Queues work; it is written within a few event-loop turns, or kept and retried on a fault. */
  submit(work: WriteWork<S>): void {
    if (this.closed) {
      this.queue.refuse(work);
      diag.warn(`transcriber: ${this.file}: write after shutdown dropped (${work.rows} rows)`);
      return;
    }
    this.queue.push(work);
    this.scheduleDrain(this.gatherMs);
  }

  /**
   * Resolves when everything submitted before is written (or dropped), or is waiting on a fault's
   * retry: committed, so a kill -9 after it loses none of it.
   */
  whenIdle(): Promise<void> {
    if (this.faults.current !== undefined) return Promise.resolve();
    // Someone waits for the gathered work: it is written on the next turn.
    if (this.stopGathering()) this.scheduleDrain();
    const settled = this.queue.whenSettled();
    if (this.checkpoints?.holdingCommits) this.checkpoints.release();
    return settled;
  }

  /** Writes everything queued now, in one go (used at shutdown and process exit). */
  drainSync(): void {
    this.faults.cancelRetry();
    this.stopGathering();
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
    this.connection?.db.pragma(`busy_timeout = ${SHUTDOWN_BUSY_TIMEOUT_MS}`);
    this.drainSync();
    this.closed = true;
    this.faults.stop();
    const unwritten = this.queue.dropAll();
    if (unwritten > 0) diag.warn(`transcriber: ${this.file}: ${unwritten} rows could not be written before shutdown`);
    this.closeDatabase();
    this.queue.releaseWaiters();
  }

  private scheduleDrain(afterMs = 0): void {
    if (this.draining || this.faults.retrying) return;
    this.draining = true;
    if (afterMs > 0) {
      this.gathering = setTimeout(() => {
        this.gathering = undefined;
        this.draining = false;
        this.turn();
      }, afterMs).unref();
      return;
    }
    setImmediate(() => {
      this.draining = false;
      this.turn();
    });
  }

  /** Cancels a drain waiting out `gatherMs`; true if there was one. */
  private stopGathering(): boolean {
    if (this.gathering === undefined) return false;
    clearTimeout(this.gathering);
    this.gathering = undefined;
    this.draining = false;
    return true;
  }

  /** Commits held for a checkpoint may go on. */
  private resume(): void {
    if (this.queue.pending.length > 0 && this.faults.current === undefined && !this.closed) this.scheduleDrain();
  }

  /** One slice of writing, and the next one scheduled while work is left. */
  private turn(): void {
    this.drain(this.sliceMs);
    if (this.queue.pending.length > 0 && this.faults.current === undefined && !this.checkpoints?.holdingCommits) {
      this.scheduleDrain();
    }
    this.afterTurn();
  }

  /** Writes queued work, a transaction at a time, until the budget is spent. */
  private drain(budgetMs: number): void {
    const deadline = performance.now() + budgetMs;
    while (this.queue.pending.length > 0) {
      const connection = this.open();
      if (connection === undefined) return;
      // (Not on a fault's retry: nothing would schedule another one after the checkpoint.)
      if (
        budgetMs !== Infinity &&
        this.faults.current === undefined &&
        this.checkpoints?.holdCommits(this.queue.flushWaiting)
      ) {
        return;
      }
      let applied: number;
      try {
        applied = connection.write(this.queue.pending, deadline, budgetMs);
      } catch (err) {
        this.schema.rolledBack?.(connection.statements);
        this.onFault(err);
        return;
      }
      // Recovered before the work is reported written: whoever sees the rows written (another
      // thread, through the counters it publishes) must not see the fault that held them still standing.
      this.faults.recovered();
      const writtenBefore = this.queue.rowsWritten;
      this.queue.committed(applied);
      this.checkpoints?.afterCommit(this.queue.rowsWritten - writtenBefore);
      if (performance.now() >= deadline) break;
    }
  }

  /** The open connection, opening (creating, migrating) the file first if needed. */
  private open(): TransactionSlicer<S> | undefined {
    if (this.connection !== undefined) return this.connection;
    let opened: Database | undefined;
    try {
      const db = openDatabaseForWriting(this.file, this.schema.migrations, {
        busyTimeoutMs: this.closing ? SHUTDOWN_BUSY_TIMEOUT_MS : undefined,
      });
      opened = db;
      this.afterOpen(db);
      const statements = this.schema.prepare(db);
      const beforeCommit = this.schema.beforeCommit ?? (() => {});
      this.connection = new TransactionSlicer(db, statements, beforeCommit);
      this.checkpoints?.opened(db);
      return this.connection;
    } catch (err) {
      // Opened but unusable (e.g. a damaged schema fails `prepare`): close it before any set-aside.
      opened?.close();
      this.onFault(err);
      return undefined;
    }
  }

  private onFault(err: unknown): void {
    const fault = this.faults.enter(err);
    if (fault === 'corrupt') {
      this.setCorruptFileAside();
    } else if (fault === 'locked' || fault === 'full' || fault === 'other') {
      // The connection is fine; keep it and retry the same work later.
    } else {
      this.closeDatabase();
    }
    if (!this.closed) this.faults.scheduleRetry(() => this.turn(), fault === 'corrupt');
    this.queue.releaseWaiters();
  }

  private setCorruptFileAside(): void {
    this.closeDatabase();
    const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        fs.renameSync(this.file + suffix, aside + suffix);
      } catch {
        // -wal/-shm may not exist; a failure on the main file shows up again at the next open.
      }
    }
  }

  private closeDatabase(): void {
    this.checkpoints?.closing();
    const connection = this.connection;
    if (connection === undefined) return;
    this.connection = undefined;
    try {
      connection.db.close();
    } catch {
      // Closing a broken handle may fail; there is nothing left to release.
    }
  }
}
