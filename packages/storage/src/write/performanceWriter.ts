import { diag } from '@opentelemetry/api';
import type { Database } from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { committedBatches } from './committedBatches';
import type { DatabaseWriter } from './databaseWriter';
import type { PerformanceBatch } from './performanceBatch';
import { performanceDatabaseWriter, performanceWork } from './performanceWork';
import type { PerformanceStatements } from './performanceStatements';
import type { StorageFault } from './storageFault';
import {
  FAULT,
  FAULTS,
  ROWS_DROPPED,
  ROWS_POSTED,
  ROWS_WRITTEN,
  SETTLED_SEQ,
  STATE_SLOTS,
  THREAD_IDLE,
  type WriterReply,
  type WriterRequest,
  type WriterThreadData,
} from './writerThreadState';

export interface PerformanceWriterOptions {
  file: string;
  /** Rows kept in memory while the database cannot be written; older rows are dropped past it. */
  maxPendingRows?: number;
  /**
   * Called with each connection before use (per-connection pragmas). A function cannot cross to
   * another thread: with it, the rows are written on the calling thread.
   */
  afterOpen?(db: Database): void;
}

const DEFAULT_MAX_PENDING_ROWS = 100_000;
/**
 * Rows in one second past which the writing moves to the thread. Below it, writing on the app's
 * thread costs under 1% of it in slices of a few ms; a thread would cost ~70 ms and ~10 MiB to
 * start (too much for a short-lived process: the preload's start-up budget is 150 ms, 20 MiB).
 */
const THREAD_AFTER_ROWS_PER_SECOND = 1_000;
/**
 * Longest the app's thread waits for the writer thread's synchronous drain (exit, shutdown): the
 * drain itself may wait up to 5 s for another process's lock.
 */
const DRAIN_TIMEOUT_MS = 15_000;

interface Sent {
  readonly seq: number;
  readonly batch: PerformanceBatch;
}

/**
 * Writes `performance_metrics.db` — spans, metric points, resource snapshots: the continuous,
 * high-rate telemetry — from a worker thread (like pino's thread-stream transports). The app's
 * thread only turns telemetry into rows of primitives (see performanceBatch.ts) and posts them;
 * inserts, commits and checkpoints happen on the writer thread, whose DatabaseWriter does the
 * queueing and fault handling. Counters live in shared memory, so `rowsPending` and the exit
 * drain are synchronous. Batches are kept here until the thread reports them written: if the
 * thread dies, a writer on this thread takes over and writes them. Without a worker (none can be
 * started, or `afterOpen` is given), the same DatabaseWriter runs on this thread.
 */
export class PerformanceWriter {
  readonly file: string;
  private readonly maxPendingRows: number;
  private readonly afterOpen: ((db: Database) => void) | undefined;
  private worker: Worker | undefined;
  /** Where requests to the thread go (it reads them as it needs them; see WriterThreadData.requests). */
  private requests: MessagePort | undefined;
  /** The thread's replies (flushes done, diagnostics): a port of its own, so they can be read synchronously. */
  private replies: MessagePort | undefined;
  private state: BigInt64Array | undefined;
  private signal: Int32Array | undefined;
  private local: DatabaseWriter<PerformanceStatements> | undefined;
  private readonly sent: Sent[] = [];
  private seq = 0;
  private submittedRows = 0;
  /** Rows settled by writers no longer in use (the first local one, a thread that died). */
  private retiredWritten = 0;
  private retiredDropped = 0;
  /** Whether a thread may still be started (no afterOpen, none started or failed yet). */
  private threadAllowed: boolean;
  private rateWindowStart = 0;
  private rowsInRateWindow = 0;
  /** While the writing moves to the thread: batches held until this thread's queue is written. */
  private held: PerformanceBatch[] | undefined;
  private moving: Promise<void> | undefined;
  private nextRequestId = 1;
  private readonly flushes = new Map<number, () => void>();
  private closed = false;

  constructor(options: PerformanceWriterOptions) {
    this.file = options.file;
    this.maxPendingRows = options.maxPendingRows ?? DEFAULT_MAX_PENDING_ROWS;
    this.afterOpen = options.afterOpen;
    this.threadAllowed = this.afterOpen === undefined;
    this.local = this.localWriter();
  }

  /**
   * Whether the rows are written on a worker thread (false: on this one). Writing starts on this
   * thread and moves to a worker once more than THREAD_AFTER_ROWS_PER_SECOND rows come in a second.
   */
  get writesInWorker(): boolean {
    return this.worker !== undefined;
  }

  get rowsWritten(): number {
    return this.retiredWritten + this.counter(ROWS_WRITTEN) + (this.local?.rowsWritten ?? 0);
  }

  get rowsDropped(): number {
    return this.retiredDropped + this.counter(ROWS_DROPPED) + (this.local?.rowsDropped ?? 0);
  }

  /** Rows handed over and not yet written or dropped. */
  get rowsPending(): number {
    return this.submittedRows - this.rowsWritten - this.rowsDropped;
  }

  get currentFault(): StorageFault | undefined {
    if (this.local !== undefined) return this.local.currentFault;
    const code = this.counter(FAULT);
    return code === 0 ? undefined : FAULTS[code - 1];
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
      this.retiredDropped += batch.rows;
      diag.warn(`transcriber: ${this.file}: write after shutdown dropped (${batch.rows} rows)`);
      return;
    }
    this.postBatch(batch);
  }

  /** Resolves when everything submitted is written, or is waiting on a fault's retry. */
  whenIdle(): Promise<void> {
    if (this.moving !== undefined) return this.moving.then(() => this.whenIdle());
    if (this.local !== undefined) return this.local.whenIdle();
    if (this.closed) return Promise.resolve();
    const id = this.nextRequestId++;
    // Referenced while a flush waits: an app awaiting it as its last step must see it resolve.
    this.replies!.ref();
    return new Promise((resolve) => {
      this.flushes.set(id, resolve);
      this.post({ type: 'flush', id });
    });
  }

  /** Writes everything submitted now, blocking this thread until done (shutdown, process exit). */
  drainSync(): void {
    this.abandonMove();
    if (this.local !== undefined) this.local.drainSync();
    else this.waitFor('drain');
  }

  /** Final drain, then closes the database (and ends the thread). */
  close(): void {
    this.abandonMove();
    if (this.local !== undefined) {
      this.local.close();
      return;
    }
    if (this.closed) return;
    this.waitFor('close');
    this.closed = true;
    const unwritten = this.rowsPending;
    if (unwritten > 0) {
      diag.warn(`transcriber: ${this.file}: ${unwritten} rows could not be written before shutdown`);
      this.retiredDropped += unwritten;
    }
    this.sent.length = 0;
    this.resolveFlushes();
    this.replies?.close();
    this.requests?.close();
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
    if (local.currentFault === undefined && local.rowsPending === 0) this.startThread();
    if (this.worker === undefined) {
      this.threadAllowed = local.currentFault !== undefined;
      for (const batch of held) local.submit(performanceWork(batch));
      return;
    }
    local.close();
    this.retiredWritten += local.rowsWritten;
    this.retiredDropped += local.rowsDropped;
    this.local = undefined;
    for (const batch of held) this.postBatch(batch);
  }

  /** A drain or close during a move: the held batches go to this thread's writer, which stays. */
  private abandonMove(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    for (const batch of held) this.local!.submit(performanceWork(batch));
  }

  private startThread(): void {
    try {
      const state = new SharedArrayBuffer(STATE_SLOTS * BigInt64Array.BYTES_PER_ELEMENT);
      const signal = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
      const channel = new MessageChannel();
      const requests = new MessageChannel();
      const data: WriterThreadData = {
        file: this.file,
        maxPendingRows: this.maxPendingRows,
        state,
        signal,
        requests: requests.port2,
        replies: channel.port2,
      };
      const worker = new Worker(threadFile(), {
        workerData: data,
        transferList: [requests.port2, channel.port2],
      });
      worker.on('error', (err) => diag.error(`transcriber: ${this.file}: writer thread failed`, err));
      worker.on('exit', () => this.onThreadExit(worker));
      channel.port1.on('message', (reply: WriterReply) => this.onReply(reply));
      // After the listeners (a 'message' listener refs the port): the thread never keeps the app alive.
      channel.port1.unref();
      worker.unref();
      this.worker = worker;
      this.requests = requests.port1;
      this.replies = channel.port1;
      this.state = new BigInt64Array(state);
      this.signal = new Int32Array(signal);
    } catch (err) {
      diag.debug(`transcriber: ${this.file}: no writer thread, writing on the app's thread`, err);
    }
  }

  private localWriter(): DatabaseWriter<PerformanceStatements> {
    return performanceDatabaseWriter({
      file: this.file,
      maxPendingRows: this.maxPendingRows,
      ...(this.afterOpen === undefined ? {} : { afterOpen: this.afterOpen }),
      // On the app's thread: keep the WAL checkpoints' disk syncs off its event loop.
      checkpointInWorker: true,
    });
  }

  private postBatch(batch: PerformanceBatch): void {
    this.forgetSettled();
    const seq = ++this.seq;
    this.sent.push({ seq, batch });
    Atomics.add(this.state!, ROWS_POSTED, BigInt(batch.rows));
    this.post({ type: 'batch', seq, batch });
  }

  private post(request: WriterRequest): void {
    this.requests!.postMessage(request);
    // The doorbell, only when the thread waits for one: one small message, not one per batch.
    if (Atomics.compareExchange(this.state!, THREAD_IDLE, 1n, 0n) === 1n) this.worker!.postMessage(null);
  }

  private onReply(reply: WriterReply): void {
    if (reply.type === 'diag') {
      diag[reply.level](reply.message);
      return;
    }
    this.flushes.get(reply.id)?.();
    this.flushes.delete(reply.id);
    if (this.flushes.size === 0) this.replies?.unref();
  }

  /** Posts a drain or close and blocks until the thread has done it (or the thread is gone). */
  private waitFor(type: 'drain' | 'close'): void {
    const worker = this.worker;
    const signal = this.signal;
    if (worker === undefined || signal === undefined) return;
    const id = this.nextRequestId++;
    this.post({ type, id });
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(signal, 0);
      if (seen === id) {
        // What the thread logged meanwhile is logged now, within the drain, not after it.
        this.readReplies();
        return;
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        diag.warn(`transcriber: ${this.file}: the writer thread did not finish writing within ${DRAIN_TIMEOUT_MS} ms`);
        return;
      }
      Atomics.wait(signal, 0, seen, left);
    }
  }

  private readReplies(): void {
    const port = this.replies;
    if (port === undefined) return;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      this.onReply(m.message as WriterReply);
    }
  }

  private counter(slot: number): number {
    return this.state === undefined ? 0 : Number(Atomics.load(this.state, slot));
  }

  private forgetSettled(): void {
    const settled = this.counter(SETTLED_SEQ);
    let n = 0;
    while (n < this.sent.length && this.sent[n].seq <= settled) n++;
    if (n > 0) this.sent.splice(0, n);
  }

  /**
   * The thread ended without being closed: a writer on this thread writes what it had not (the
   * batches it had not reported written, less those its last commit took before it stopped).
   */
  private onThreadExit(worker: Worker): void {
    if (this.closed || this.worker !== worker) return;
    this.forgetSettled();
    this.retiredWritten += this.counter(ROWS_WRITTEN);
    this.retiredDropped += this.counter(ROWS_DROPPED);
    this.readReplies();
    this.replies?.close();
    this.replies = undefined;
    this.requests?.close();
    this.requests = undefined;
    this.worker = undefined;
    this.state = undefined;
    this.signal = undefined;
    diag.warn(`transcriber: ${this.file}: the writer thread stopped; writing on the app's thread`);
    const local = this.localWriter();
    this.local = local;
    const unsettled = this.sent.map((s) => s.batch);
    const committed = committedBatches(this.file, unsettled);
    for (const [i, batch] of unsettled.entries()) {
      if (i < committed) {
        this.retiredWritten += batch.rows;
        continue;
      }
      // Counted again as the local writer's: take them out of the submitted count.
      this.submittedRows -= batch.rows;
      this.submit(batch);
    }
    this.sent.length = 0;
    const flushes = [...this.flushes.values()];
    this.flushes.clear();
    void local.whenIdle().then(() => flushes.forEach((resolve) => resolve()));
  }

  private resolveFlushes(): void {
    for (const resolve of this.flushes.values()) resolve();
    this.flushes.clear();
  }
}

/**
 * The compiled thread module, found through the package's own name rather than `__dirname`, so
 * it is found from a bundle of this code too (and from the TypeScript sources under Jest, which
 * run after the build).
 */
function threadFile(): string {
  const root = path.dirname(require.resolve('@transcriber/storage/package.json'));
  const file = path.join(root, 'dist', 'write', 'performanceWriterThread.js');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing (is the package built?)`);
  return file;
}
