import { ByteBudget } from './byteBudget';
import { OtlpDecodeError } from './otlpDecodeError';
import { OtlpReceiver, type ItemCounts, type OtlpReceiverOptions, type ReceiveOutcome } from './otlpReceiver';
import type { OtlpEncoding, OtlpSignal } from './otlpResponses';

/**
 * Seconds a sender should wait: when busy (the queue drains in well under a second) and during a
 * storage fault (the writer retries from 250 ms on; a lock is usually gone by then), short enough
 * that an OTel exporter's retries fit in its 10 s export timeout; during a shutdown, long enough
 * for a restart.
 */
export const RETRY_AFTER_BUSY_S = 1;
export const RETRY_AFTER_FAULT_S = 1;
export const RETRY_AFTER_SHUTDOWN_S = 5;

/**
 * What became of a request, in terms each transport puts in its own: OTLP/HTTP as a status code
 * (200, 400, 413, 429, 503), OTLP/gRPC as a gRPC status (OK, INVALID_ARGUMENT, RESOURCE_EXHAUSTED,
 * UNAVAILABLE with RetryInfo), as the OTLP specification pairs them.
 */
export type IntakeAnswer =
  /** Stored, but for `rejected` items (partial success, with `message` as the reason or warning). */
  | { kind: 'accepted'; signal: OtlpSignal; rejected: number; message: string }
  /** Not valid OTLP: the sender must not send it again. */
  | { kind: 'bad-data'; message: string }
  /** Larger than the receiver ever takes: the sender must send smaller batches. */
  | { kind: 'too-large'; message: string }
  /** No room now (queue or byte budget full): the sender should retry after `retryAfterS`. */
  | { kind: 'busy'; message: string; retryAfterS: number }
  /** The databases cannot be written, or the receiver is shutting down (`closing`): retry later. */
  | { kind: 'unavailable'; message: string; retryAfterS: number; closing: boolean };

/** Any answer but acceptance. */
export type IntakeRefusal = Exclude<IntakeAnswer, { kind: 'accepted' }>;

export interface OtlpIntakeOptions extends OtlpReceiverOptions {
  /**
   * Bytes held in memory at once by request bodies (as kept: decompressed) and by the rows of
   * accepted requests not yet written; a body that does not fit is refused as busy. Default 32 MiB.
   */
  maxBufferedBytes?: number;
  /** Told about things an operator should know: storage faults starting and clearing. */
  notify?: (message: string) => void;
}

const MIB = 1024 * 1024;

/**
 * The request path both transports share, between reading a request and answering it: admission
 * before a body is read (shutting down, queue or byte budget full, storage fault), the byte budget
 * bodies are read into, decoding and storing through the receiver, and the requests under way, so
 * that `close()` answers them and writes everything accepted before the databases close.
 */
export class OtlpIntake {
  readonly budget: ByteBudget;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private closing = false;
  private reportedFault: string | undefined;

  private constructor(
    readonly receiver: OtlpReceiver,
    maxBufferedBytes: number,
    private readonly notify: ((message: string) => void) | undefined,
  ) {
    this.budget = new ByteBudget(maxBufferedBytes, () => receiver.bytesQueued);
  }

  /** Opens the databases (through the receiver's exporters). */
  static open(options: OtlpIntakeOptions): OtlpIntake {
    const maxBufferedBytes = options.maxBufferedBytes ?? 16 * MIB;
    const receiver = new OtlpReceiver({ ...options, maxQueuedBytes: maxBufferedBytes });
    return new OtlpIntake(receiver, maxBufferedBytes, options.notify);
  }

  get counts(): ItemCounts {
    return this.receiver.counts;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * Why a request must be refused before its body is read, if it must: the receiver is shutting
   * down, the queue or the byte budget is full (then nothing can be taken whatever the storage's
   * state), or the databases cannot be written.
   */
  refusal(): IntakeRefusal | undefined {
    if (this.closing) return shuttingDown();
    if (!this.receiver.hasRoom || !this.budget.hasRoom) {
      return {
        kind: 'busy',
        message: 'too much data waiting to be written; retry later',
        retryAfterS: RETRY_AFTER_BUSY_S,
      };
    }
    const fault = this.checkStorage();
    if (fault !== undefined) {
      return {
        kind: 'unavailable',
        message: `the databases cannot be written right now (${fault}); data is kept for when they can`,
        retryAfterS: RETRY_AFTER_FAULT_S,
        closing: false,
      };
    }
    return undefined;
  }

  /** The answer for a body that did not fit in the byte budget. */
  budgetSpent(): IntakeRefusal {
    return {
      kind: 'busy',
      message: `more than ${this.budget.limit} bytes are being received or waiting to be written; retry later`,
      retryAfterS: RETRY_AFTER_BUSY_S,
    };
  }

  /** A request admitted: `close()` waits for its `end()`. */
  begin(): void {
    this.inFlight++;
  }

  end(): void {
    if (--this.inFlight === 0 && this.idle !== undefined) this.idle();
  }

  /**
   * Decodes a body whose bytes were taken from the budget, stores its items, and answers; the
   * body's bytes go back to the budget (its rows are counted there as queued bytes from now on).
   */
  receive(signal: OtlpSignal, encoding: OtlpEncoding, body: Buffer): IntakeAnswer {
    try {
      return answerOf(signal, this.receiver.receive(signal, encoding, body));
    } catch (err) {
      if (err instanceof OtlpDecodeError)
        return { kind: 'bad-data', message: `malformed ${signal} request: ${err.message}` };
      throw err;
    } finally {
      this.budget.give(body.length);
    }
  }

  /** Resolves when everything accepted so far is written (or is waiting on a storage fault's retry). */
  flush(): Promise<void> {
    return this.receiver.flush();
  }

  /**
   * Refuses new requests from now on, waits for those under way to be answered, then writes
   * everything accepted and closes the databases.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.receiver.shutdown();
  }

  /** The storage fault, telling the operator once when one starts and once when it clears. */
  private checkStorage(): string | undefined {
    const fault = this.receiver.storageFault;
    if (fault !== this.reportedFault) {
      this.notify?.(
        fault === undefined
          ? 'the databases are writable again; accepting data'
          : `the databases cannot be written (${fault}); refusing data until they can`,
      );
      this.reportedFault = fault;
    }
    return fault;
  }
}

function shuttingDown(): IntakeRefusal {
  return {
    kind: 'unavailable',
    message: 'the receiver is shutting down',
    retryAfterS: RETRY_AFTER_SHUTDOWN_S,
    closing: true,
  };
}

function answerOf(signal: OtlpSignal, outcome: ReceiveOutcome): IntakeAnswer {
  switch (outcome.kind) {
    case 'accepted':
      return { kind: 'accepted', signal, rejected: outcome.rejected, message: outcome.message };
    case 'busy':
      return {
        kind: 'busy',
        message: `${outcome.queued} are waiting to be written; retry later`,
        retryAfterS: RETRY_AFTER_BUSY_S,
      };
    case 'too-many':
      return {
        kind: 'too-large',
        message: `${outcome.items} in one request exceed the queue of ${outcome.limit}; send smaller batches`,
      };
    case 'closed':
      return shuttingDown();
  }
}
