import type { PerformanceBatch } from './performanceBatch';
import type { MessagePort } from 'node:worker_threads';
import type { StorageFault } from './storageFault';

/**
 * What the writer thread tells the app's thread without a message, so it can be read at any time,
 * synchronously (`rowsPending` for back-pressure, the exit drain): counters in shared memory.
 * `BigInt64Array` slots, so the counters never wrap in a long-running process.
 */
export const STATE_SLOTS = 6;
/** Sequence number of the last batch written or dropped (batches settle in order). */
export const SETTLED_SEQ = 0;
export const ROWS_WRITTEN = 1;
export const ROWS_DROPPED = 2;
/** 0 when writable, else 1 + the fault's index in FAULTS. */
export const FAULT = 3;
/** Rows the app's thread has posted to the thread (the thread's backlog is this less the settled). */
export const ROWS_POSTED = 4;
/**
 * 1 while the thread has read every request and waits for a doorbell: the app's thread, having
 * posted a request, swaps it to 0 and rings (posts anything on the worker's own port).
 */
export const THREAD_IDLE = 5;

export const FAULTS: readonly StorageFault[] = ['unwritable', 'corrupt', 'locked', 'full', 'schema', 'other'];

/** Messages from the app's thread to the writer thread. */
export type WriterRequest =
  | { readonly type: 'batch'; readonly seq: number; readonly batch: PerformanceBatch }
  /** Answer with `flushed` once everything before it is written (or waits on a fault's retry). */
  | { readonly type: 'flush'; readonly id: number }
  /** Write everything now; then store `id` in the signal slot and wake the waiting app thread. */
  | { readonly type: 'drain'; readonly id: number }
  /** Like drain, then close the database and end the thread. */
  | { readonly type: 'close'; readonly id: number };

/** Messages from the writer thread to the app's thread. */
export type WriterReply =
  | { readonly type: 'flushed'; readonly id: number }
  /** A diagnostic the writer logged: the app's thread passes it to its own OTel diag logger. */
  | { readonly type: 'diag'; readonly level: 'error' | 'warn' | 'info' | 'debug'; readonly message: string };

/** What the thread is started with. */
export interface WriterThreadData {
  readonly file: string;
  readonly maxPendingRows: number;
  readonly state: SharedArrayBuffer;
  /** One Int32 slot: the id of the last drain/close done, waited on with Atomics. */
  readonly signal: SharedArrayBuffer;
  /**
   * The app's thread's requests, in order. Never started: the thread reads them with
   * `receiveMessageOnPort` when its writer needs more rows, so a backlog waits there serialized
   * rather than as objects on the thread's heap (see performanceWriterThread.ts).
   */
  readonly requests: MessagePort;
  /** Where the thread posts its replies. */
  readonly replies: MessagePort;
}
