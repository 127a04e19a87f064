import { diag } from '@opentelemetry/api';
import type { Database } from 'better-sqlite3';
import { committedBatches } from './committedBatches';
import type { DatabaseWriter } from './databaseWriter';
import type { PerformanceBatch } from './performanceBatch';
import { performanceDatabaseWriter, performanceWork } from './performanceWork';
import type { PerformanceStatements } from './performanceStatements';
import type { StorageFault } from './storageFault';
import { WriterThread, type EndedThread } from './writerThread';

export interface PerformanceWriterOptions {
  file: string;
  /** Rows kept in memory while the database cannot be written; older rows are dropped past it. */
  maxPendingRows?: number;
  /**
   * Called with each connection before use (per-connection pragmas). A function cannot cross to
   * another thread: with it, the rows are written on the calling thread.
   */
  afterOpen?(db: Database): void;
  /**
   * How long rows written on this thread wait for more before a transaction, ms (default 0: the
   * next turn). See SqliteStorageOptions.gatherMs.
   */
  gatherMs?: number;
}

const DEFAULT_MAX_PENDING_ROWS = 100_000;
/**
 * Rows in one second past which the writing moves to the thread. Below it, writing on the app's
 * thread costs under 1% of it in slices of a few ms; a thread would cost ~70 ms and ~10 MiB to
 * start (too much for a short-lived process: the preload's start-up budget is 150 ms, 20 MiB).
 */
const THREAD_AFTER_ROWS_PER_SECOND = 1_000;
/**
 * Writes `performance_metrics.db` — spans, metric points, resource snapshots: the continuous,
 * high-rate telemetry — from a worker thread (like pino's thread-stream transports). The app's
 * thread only turns telemetry into rows of primitives (see performanceBatch.ts) and posts them
 * (WriterThread); inserts, commits and checkpoints happen on the writer thread, whose
 * DatabaseWriter does the queueing and fault handling. Writing starts on this thread, in a
 * DatabaseWriter of its own, and moves to the thread once the rate calls for it; if the thread
 * dies, a writer on this thread takes over the batches it had not written. Without a worker (none
 * can be started, or `afterOpen` is given), the writing stays on this thread.
 */
export class PerformanceWriter {
  readonly file: string;
  private readonly maxPendingRows: number;
  private readonly afterOpen: ((db: Database) => void) | undefined;
  private readonly gatherMs: number;
  /** Exactly one of these writes at a time (none once a thread was closed). */
  private local: DatabaseWriter<PerformanceStatements> | undefined;
  private thread: WriterThread | undefined;
  private submittedRows = 0;
  /** Rows settled by writers no longer in use (the first local one, a thread that died). */
  private readonly retired = { written: 0, dropped: 0 };
  /** Whether a thread may still be started (no afterOpen, none started or failed yet). */
  private threadAllowed: boolean;
  private rateWindowStart = 0;
  private rowsInRateWindow = 0;
  /** While the writing moves to the thread: batches held until this thread's queue is written. */
  private held: PerformanceBatch[] | undefined;
  private moving: Promise<void> | undefined;
  private closed = false;

  constructor(options: PerformanceWriterOptions) {
    this.file = options.file;
    this.maxPendingRows = options.maxPendingRows ?? DEFAULT_MAX_PENDING_ROWS;
    this.afterOpen = options.afterOpen;
    this.gatherMs = options.gatherMs ?? 0;
    this.threadAllowed = this.afterOpen === undefined;
    this.local = this.localWriter();
  }

  /**
   * Whether the rows are written on a worker thread (false: on this one). Writing starts on this
   * thread and moves to a worker once more than THREAD_AFTER_ROWS_PER_SECOND rows come in a second.
   */
  get writesInWorker(): boolean {
    return this.thread !== undefined;
  }

  get rowsWritten(): number {
    return this.retired.written + (this.thread?.rowsWritten ?? 0) + (this.local?.rowsWritten ?? 0);
  }

  get rowsDropped(): number {
    return this.retired.dropped + (this.thread?.rowsDropped ?? 0) + (this.local?.rowsDropped ?? 0);
  }

  /** Rows handed over and not yet written or dropped. */
  get rowsPending(): number {
    return this.submittedRows - this.rowsWritten - this.rowsDropped;
  }

  get currentFault(): StorageFault | undefined {
    return (this.local ?? this.thread)?.currentFault;
  }

  submit(batch: PerformanceBatch): void {
    this.submittedRows += batch.rows;
    if (this.held !== undefined) {
      this.held.push(batch);
      return;
    }
    if (this.local !== undefined) {
      this.local.submit(performanceWork(batch));
      if (this.threadAllowed && this.sustained(batch.rows)) this.beginMove(this.local);
      return;
    }
    if (this.closed) {
      this.retired.dropped += batch.rows;
      diag.warn(`transcriber: ${this.file}: write after shutdown dropped (${batch.rows} rows)`);
      return;
    }
    this.thread!.post(batch);
  }

  /** Resolves when everything submitted before is written, or is waiting on a fault's retry. */
  whenIdle(): Promise<void> {
    if (this.moving !== undefined) return this.moving.then(() => this.whenIdle());
    if (this.local !== undefined) return this.local.whenIdle();
    if (this.closed) return Promise.resolve();
    return this.thread!.flush();
  }

  /** Writes everything submitted now, blocking this thread until done (shutdown, process exit). */
  drainSync(): void {
    this.abandonMove();
    if (this.local !== undefined) this.local.drainSync();
    else if (!this.closed) this.thread?.drain();
  }

  /** Final drain, then closes the database (and ends the thread). */
  close(): void {
    this.abandonMove();
    if (this.local !== undefined) {
      this.local.close();
      return;
    }
    if (this.closed) return;
    this.thread!.close();
    this.closed = true;
    const unwritten = this.rowsPending;
    if (unwritten > 0) {
      diag.warn(`transcriber: ${this.file}: ${unwritten} rows could not be written before shutdown`);
      this.retired.dropped += unwritten;
    }
  }

  /** Counts rows per second; true once a second has had more than THREAD_AFTER_ROWS_PER_SECOND. */
  private sustained(rows: number): boolean {
    const now = performance.now();
    if (now - this.rateWindowStart > 1000) {
      this.rateWindowStart = now;
      this.rowsInRateWindow = 0;
    }
    this.rowsInRateWindow += rows;
    return this.rowsInRateWindow > THREAD_AFTER_ROWS_PER_SECOND;
  }

  /**
   * Starts handing the writing over to a thread. This thread's queue is written first, in its
   * usual slices (nothing synchronous inside `export()`), while new batches are held; then the
   * thread starts and takes the held ones, so the two never write the file at once.
   */
  private beginMove(local: DatabaseWriter<PerformanceStatements>): void {
    this.threadAllowed = false;
    this.held = [];
    this.moving = local.whenIdle().then(() => this.finishMove(local));
  }

  private finishMove(local: DatabaseWriter<PerformanceStatements>): void {
    this.moving = undefined;
    const held = this.held;
    if (held === undefined) return; // abandoned by a drain or close
    this.held = undefined;
    // In a fault, the writer here keeps the rows and retries: stay, and try again on later load.
    if (local.currentFault === undefined && local.rowsPending === 0) {
      this.thread = WriterThread.start(this.file, this.maxPendingRows, (ended) => this.onThreadEnded(ended));
    }
    if (this.thread === undefined) {
      this.threadAllowed = local.currentFault !== undefined;
      for (const batch of held) local.submit(performanceWork(batch));
      return;
    }
    local.close();
    this.retired.written += local.rowsWritten;
    this.retired.dropped += local.rowsDropped;
    this.local = undefined;
    for (const batch of held) this.thread.post(batch);
  }

  /** A drain or close during a move: the held batches go to this thread's writer, which stays. */
  private abandonMove(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    for (const batch of held) this.local!.submit(performanceWork(batch));
  }

  private localWriter(): DatabaseWriter<PerformanceStatements> {
    return performanceDatabaseWriter({
      file: this.file,
      maxPendingRows: this.maxPendingRows,
      ...(this.afterOpen === undefined ? {} : { afterOpen: this.afterOpen }),
      // On the app's thread: keep the WAL checkpoints' disk syncs off its event loop.
      checkpoints: 'beside',
      gatherMs: this.gatherMs,
    });
  }

  /**
   * The thread ended without being closed: a writer on this thread writes what it had not (the
   * batches it had not reported written, less those its last commit took before it stopped).
   */
  private onThreadEnded(ended: EndedThread): void {
    this.retired.written += ended.rowsWritten;
    this.retired.dropped += ended.rowsDropped;
    this.thread = undefined;
    diag.warn(`transcriber: ${this.file}: the writer thread stopped; writing on the app's thread`);
    const local = this.localWriter();
    this.local = local;
    const committed = committedBatches(this.file, ended.unsettled);
    for (const [i, batch] of ended.unsettled.entries()) {
      if (i < committed) {
        this.retired.written += batch.rows;
        continue;
      }
      // Counted again as the local writer's: take them out of the submitted count.
      this.submittedRows -= batch.rows;
      this.submit(batch);
    }
    void local.whenIdle().then(() => ended.flushes.forEach((resolve) => resolve()));
  }
}
