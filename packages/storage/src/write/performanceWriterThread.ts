/**
 * The writer thread of `performance_metrics.db` (started by PerformanceWriter): a DatabaseWriter
 * that takes its rows from the app's thread as messages. Everything SQLite does — inserts, commits
 * — happens here, off the app's event loop, and the WAL checkpoints in the writer's checkpointer
 * thread; slices are longer than on the app's thread (fewer commits), since only this thread waits.
 *
 * Requests are read when the writer needs rows, not as they arrive: when the app makes rows
 * faster than the disk takes them, the backlog waits in the port, serialized, instead of as
 * objects on this thread's heap, where every young-generation collection copied it again and
 * then promoted it (a fifth of the thread's time in bulk writes went to that).
 */
import { diag, type DiagLogger } from '@opentelemetry/api';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { performanceDatabaseWriter, performanceWork } from './performanceWork';
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

const SLICE_MS = 20;
/**
 * Rows that arrive while the thread is idle wait this long for more: a transaction's commit
 * rewrites the last, partly filled page of the table and of each index, so commits of more rows
 * cost less a row (~15–25% less CPU a span measured at 10 ms, against starting at once).
 */
const GATHER_MS = 10;
/** Rows read ahead of the writer: a few slices' worth at 100,000 rows/s, so no slice runs dry. */
const READ_AHEAD_ROWS = 8192;

const data = workerData as WriterThreadData;
const port = parentPort!;
const state = new BigInt64Array(data.state, 0, STATE_SLOTS);
const signal = new Int32Array(data.signal, 0, 1);
/** Sequence numbers of the batches given to the writer and not yet settled, oldest first. */
const unsettledSeqs: number[] = [];
let unitsPublished = 0;

const reply = (message: WriterReply) => data.replies.postMessage(message);
const forward =
  (level: 'error' | 'warn' | 'info' | 'debug') =>
  (message: string, ...args: unknown[]) =>
    reply({ type: 'diag', level, message: [message, ...args.map(String)].join(' ') });
const logger: DiagLogger = {
  error: forward('error'),
  warn: forward('warn'),
  info: forward('info'),
  debug: forward('debug'),
  verbose: () => {},
};
diag.setLogger(logger);

const writer = performanceDatabaseWriter({
  file: data.file,
  maxPendingRows: data.maxPendingRows,
  sliceMs: SLICE_MS,
  gatherMs: GATHER_MS,
  // The WAL checkpoints' disk syncs (20–60 ms each here) in a thread of their own too, while this
  // one goes on writing: in-commit checkpoints took ~4 of every 200,000 spans' ~60 commits to
  // 40–70 ms each. SQLite's own, at 64 MiB of WAL, is left for writes that never pause.
  checkpoints: 'beside-unwaited',
  afterTurn: () => readRequests(),
});
let closed = false;

/**
 * Copies the writer's state to the shared counters the app's thread reads: the fault first, then
 * the rows and the last batch settled — whoever sees rows written must not see the fault that held
 * them still standing. Batches settle in the order they were given.
 */
function publish(): void {
  const fault = writer.currentFault;
  Atomics.store(state, FAULT, BigInt(fault === undefined ? 0 : FAULTS.indexOf(fault) + 1));
  Atomics.store(state, ROWS_WRITTEN, BigInt(writer.rowsWritten));
  Atomics.store(state, ROWS_DROPPED, BigInt(writer.rowsDropped));
  const newlySettled = writer.unitsSettled - unitsPublished;
  if (newlySettled > 0) {
    Atomics.store(state, SETTLED_SEQ, BigInt(unsettledSeqs[newlySettled - 1]));
    unsettledSeqs.splice(0, newlySettled);
    unitsPublished = writer.unitsSettled;
  }
}

function done(id: number): void {
  Atomics.store(signal, 0, id);
  Atomics.notify(signal, 0);
}

/**
 * Reads requests until the writer has READ_AHEAD_ROWS queued, then publishes the writer's state
 * (after each turn of writing, this is when it changed). All are read while the writer is in a
 * fault (it keeps them, bounded) or the backlog is past the bound (the writer drops the oldest).
 */
function readRequests(): void {
  while (!closed && !enoughQueued()) {
    let message = receiveMessageOnPort(data.requests);
    if (message === undefined) {
      // Ask for a doorbell, then look once more: a request posted before the flag was set rang none.
      Atomics.store(state, THREAD_IDLE, 1n);
      message = receiveMessageOnPort(data.requests);
      if (message === undefined) break;
      Atomics.store(state, THREAD_IDLE, 0n);
    }
    handle(message.message as WriterRequest);
  }
  publish();
}

function enoughQueued(): boolean {
  if (writer.rowsPending < READ_AHEAD_ROWS || writer.currentFault !== undefined) return false;
  const backlog = Atomics.load(state, ROWS_POSTED) - BigInt(writer.rowsWritten + writer.rowsDropped);
  return backlog <= BigInt(data.maxPendingRows);
}

function handle(request: WriterRequest): void {
  switch (request.type) {
    case 'batch':
      unsettledSeqs.push(request.seq);
      writer.submit(performanceWork(request.batch));
      break;
    case 'flush':
      void writer.whenIdle().then(() => {
        publish();
        reply({ type: 'flushed', id: request.id });
      });
      break;
    case 'drain':
      writer.drainSync();
      publish();
      done(request.id);
      break;
    case 'close':
      closed = true;
      writer.close();
      publish();
      done(request.id);
      data.replies.close();
      data.requests.close();
      port.close();
      break;
  }
}

// The doorbell: the app's thread rings after posting a request while this thread was idle.
port.on('message', readRequests);
readRequests();
