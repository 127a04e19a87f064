import { diag } from '@opentelemetry/api';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { PerformanceBatch } from './performanceBatch';
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

/**
 * Longest the app's thread waits for the writer thread's synchronous drain (exit, shutdown): the
 * drain itself may wait up to 5 s for another process's lock.
 */
const DRAIN_TIMEOUT_MS = 15_000;

/** What a writer thread that ended by itself leaves behind. */
export interface EndedThread {
  /** Rows it reported written and dropped. */
  readonly rowsWritten: number;
  readonly rowsDropped: number;
  /** The batches it had not reported settled, in the order they were sent (some may be committed). */
  readonly unsettled: PerformanceBatch[];
  /** Flushes that were waiting for it: to be resolved once another writer has written those batches. */
  readonly flushes: (() => void)[];
}

interface Sent {
  readonly seq: number;
  readonly batch: PerformanceBatch;
}

/**
 * The app's side of the writer thread of `performance_metrics.db` (performanceWriterThread.ts):
 * starts it, posts batches and requests to it, reads its counters from shared memory (so
 * `rowsPending` and the exit drain are synchronous), and keeps each batch until the thread reports
 * it settled, so that if the thread dies another writer can take over what it had not written.
 * Neither the thread nor its ports keep the app alive, except while a flush waits.
 */
export class WriterThread {
  private readonly sent: Sent[] = [];
  private seq = 0;
  private nextRequestId = 1;
  private readonly flushes = new Map<number, () => void>();
  private closed = false;

  private constructor(
    private readonly file: string,
    private readonly worker: Worker,
    /** Where requests go (the thread reads them as it needs them; see WriterThreadData.requests). */
    private readonly requests: MessagePort,
    /** The thread's replies (flushes done, diagnostics): a port of its own, so they can be read synchronously. */
    private readonly replies: MessagePort,
    private readonly state: BigInt64Array,
    private readonly signal: Int32Array,
  ) {}

  /** Starts a writer thread, or returns undefined (and says why at debug level) when none can start. */
  static start(file: string, maxPendingRows: number, onEnded: (ended: EndedThread) => void): WriterThread | undefined {
    try {
      const state = new SharedArrayBuffer(STATE_SLOTS * BigInt64Array.BYTES_PER_ELEMENT);
      const signal = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
      const replies = new MessageChannel();
      const requests = new MessageChannel();
      const data: WriterThreadData = {
        file,
        maxPendingRows,
        state,
        signal,
        requests: requests.port2,
        replies: replies.port2,
      };
      const worker = new Worker(threadFile(), { workerData: data, transferList: [requests.port2, replies.port2] });
      const thread = new WriterThread(
        file,
        worker,
        requests.port1,
        replies.port1,
        new BigInt64Array(state),
        new Int32Array(signal),
      );
      worker.on('error', (err) => diag.error(`transcriber: ${file}: writer thread failed`, err));
      worker.on('exit', () => {
        const ended = thread.ended();
        if (ended !== undefined) onEnded(ended);
      });
      replies.port1.on('message', (reply: WriterReply) => thread.onReply(reply));
      // After the listeners (a 'message' listener refs the port): the thread never keeps the app alive.
      replies.port1.unref();
      worker.unref();
      return thread;
    } catch (err) {
      diag.debug(`transcriber: ${file}: no writer thread, writing on the app's thread`, err);
      return undefined;
    }
  }

  get rowsWritten(): number {
    return this.counter(ROWS_WRITTEN);
  }

  get rowsDropped(): number {
    return this.counter(ROWS_DROPPED);
  }

  get currentFault(): StorageFault | undefined {
    const code = this.counter(FAULT);
    return code === 0 ? undefined : FAULTS[code - 1];
  }

  /** Hands a batch to the thread (kept here until the thread reports it settled). */
  post(batch: PerformanceBatch): void {
    this.forgetSettled();
    const seq = ++this.seq;
    this.sent.push({ seq, batch });
    Atomics.add(this.state, ROWS_POSTED, BigInt(batch.rows));
    this.request({ type: 'batch', seq, batch });
  }

  /** Resolves once everything posted before is written, or waits on a fault's retry. */
  flush(): Promise<void> {
    const id = this.nextRequestId++;
    // Referenced while a flush waits: an app awaiting it as its last step must see it resolve.
    this.replies.ref();
    return new Promise((resolve) => {
      this.flushes.set(id, resolve);
      this.request({ type: 'flush', id });
    });
  }

  /** Writes everything posted now, blocking this thread until the thread has done it. */
  drain(): void {
    this.waitFor('drain');
  }

  /** Final drain, then the thread closes the database and ends; waiting flushes are resolved. */
  close(): void {
    this.waitFor('close');
    this.closed = true;
    this.sent.length = 0;
    for (const resolve of this.flushes.values()) resolve();
    this.flushes.clear();
    this.replies.close();
    this.requests.close();
  }

  private request(request: WriterRequest): void {
    this.requests.postMessage(request);
    // The doorbell, only when the thread waits for one: one small message, not one per batch.
    if (Atomics.compareExchange(this.state, THREAD_IDLE, 1n, 0n) === 1n) this.worker.postMessage(null);
  }

  private onReply(reply: WriterReply): void {
    if (reply.type === 'diag') {
      diag[reply.level](reply.message);
      return;
    }
    this.flushes.get(reply.id)?.();
    this.flushes.delete(reply.id);
    if (this.flushes.size === 0) this.replies.unref();
  }

  /** Posts a drain or close and blocks until the thread has done it (or it takes too long). */
  private waitFor(type: 'drain' | 'close'): void {
    const id = this.nextRequestId++;
    this.request({ type, id });
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
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
      Atomics.wait(this.signal, 0, seen, left);
    }
  }

  private readReplies(): void {
    const port = this.replies;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      this.onReply(m.message as WriterReply);
    }
  }

  private counter(slot: number): number {
    return Number(Atomics.load(this.state, slot));
  }

  private forgetSettled(): void {
    const settled = this.counter(SETTLED_SEQ);
    let n = 0;
    while (n < this.sent.length && this.sent[n].seq <= settled) n++;
    if (n > 0) this.sent.splice(0, n);
  }

  /** The thread ended: what it leaves, unless it was closed. */
  private ended(): EndedThread | undefined {
    if (this.closed) return undefined;
    this.closed = true;
    this.forgetSettled();
    this.readReplies();
    this.replies.close();
    this.requests.close();
    const ended: EndedThread = {
      rowsWritten: this.rowsWritten,
      rowsDropped: this.rowsDropped,
      unsettled: this.sent.map((s) => s.batch),
      flushes: [...this.flushes.values()],
    };
    this.sent.length = 0;
    this.flushes.clear();
    return ended;
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
