import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CollectStats, OtlpServerOptions } from './otlpServer';

/**
 * The young generation of the thread that receives, MiB (V8's `maxYoungGenerationSizeMb`). Decoding
 * requests makes short-lived objects whose survivors (rows queued for the writers) make V8 grow the
 * young generation to its maximum while requests keep coming; from Node 22, on a machine with a few
 * GiB of memory or more, that maximum is 128 MiB instead of Node 20's 32, which alone put the
 * 12-sender gRPC flood of `collect.test.ts` 90–110 MiB over its 300 MiB bound. Measured there on
 * Node 24: peak RSS 364 MiB in the process's own thread, 286–307 in a thread held to 48 MiB,
 * 275–282 held to 16, with as many calls served; `bench/collect.bench.js` compares its throughput
 * with the server on the process's own thread.
 */
export const RECEIVER_YOUNG_GENERATION_MB = 16;

/** What the server thread tells the thread that started it. */
export type ServerThreadMessage =
  | { kind: 'listening'; url: string; grpcTarget: string | undefined; host: string; port: number }
  | { kind: 'notice'; message: string }
  | { kind: 'failed'; message: string; name: string; code?: string; listener?: string }
  | { kind: 'flushed' }
  | { kind: 'closed'; stats: CollectStats };

/** What `OtlpServerThread` asks of it. */
export type ServerThreadRequest = { kind: 'flush' } | { kind: 'close' };

/** The options a server thread starts with: `OtlpServerOptions` but `notify`, which stays on this thread. */
export type OtlpServerThreadOptions = Omit<OtlpServerOptions, 'notify'> & { notify?: (message: string) => void };

/**
 * An `OtlpServer` in a worker thread of its own, for the `collect` process: the same server, with
 * its memory held to what its budgets bound (see RECEIVER_YOUNG_GENERATION_MB), which the flags of
 * a process already started cannot do. The databases' writer threads are the server's, inside it.
 */
export class OtlpServerThread {
  private closing: Promise<CollectStats> | undefined;
  /** Flushes asked for and not yet done, in order (the thread answers them in order). */
  private readonly flushes: (() => void)[] = [];

  private constructor(
    private readonly worker: Worker,
    readonly url: string,
    /** Where OTLP/gRPC senders send, e.g. `127.0.0.1:4317`; undefined without gRPC. */
    readonly grpcTarget: string | undefined,
    readonly address: { host: string; port: number },
    private readonly ended: Promise<ThreadEnd>,
  ) {}

  /**
   * Starts the server in its thread; rejects as `OtlpServer.start` does (an error with the same
   * `code`, and `listener: 'grpc'` when the gRPC port could not be bound), leaving nothing open.
   */
  static start(options: OtlpServerThreadOptions): Promise<OtlpServerThread> {
    const { notify, ...serverOptions } = options;
    const worker = new Worker(workerFile(), {
      workerData: serverOptions,
      resourceLimits: { maxYoungGenerationSizeMb: RECEIVER_YOUNG_GENERATION_MB },
    });
    let last: ServerThreadMessage | undefined;
    let failure: Error | undefined;
    const ended = new Promise<ThreadEnd>((resolve) => {
      worker.on('error', (err) => (failure = err));
      worker.on('exit', (code) => resolve({ last, failure, code }));
    });
    let thread: OtlpServerThread | undefined;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: ServerThreadMessage) => {
        last = message;
        if (message.kind === 'notice') notify?.(message.message);
        else if (message.kind === 'flushed') thread?.flushes.shift()?.();
        else if (message.kind === 'listening') {
          const address = { host: message.host, port: message.port };
          thread = new OtlpServerThread(worker, message.url, message.grpcTarget, address, ended);
          resolve(thread);
        } else if (message.kind === 'failed') reject(errorOf(message));
      });
      void ended.then(() =>
        reject(failure ?? new Error(`the OTLP server thread ended before it listened (${worker.threadId})`)),
      );
    });
  }

  /**
   * Resolves, with why, if the thread ends without having been asked to close (an error it did not
   * handle); never otherwise. The command serving until a signal waits for this too.
   */
  failed(): Promise<Error> {
    return this.ended.then(({ last, failure, code }) => {
      if (this.closing !== undefined) return new Promise<never>(() => undefined);
      if (last?.kind === 'failed') return errorOf(last);
      return failure ?? new Error(`the OTLP server thread ended (exit code ${code})`);
    });
  }

  /** Resolves when everything accepted so far is written (or is waiting on a storage fault's retry). */
  flush(): Promise<void> {
    if (this.closing !== undefined) return this.closing.then(() => undefined);
    return new Promise((resolve) => {
      this.flushes.push(resolve);
      this.worker.postMessage({ kind: 'flush' } satisfies ServerThreadRequest);
    });
  }

  /** Stops accepting, answers the requests under way, writes everything accepted, ends the thread. */
  close(): Promise<CollectStats> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<CollectStats> {
    this.worker.postMessage({ kind: 'close' } satisfies ServerThreadRequest);
    const { last, failure } = await this.ended;
    if (last?.kind === 'closed') return last.stats;
    if (failure !== undefined) throw failure;
    throw last?.kind === 'failed'
      ? errorOf(last)
      : new Error('the OTLP server thread ended before it had written what it received');
  }
}

/** How the thread ended: the last thing it said, the error it did not handle, its exit code. */
interface ThreadEnd {
  last: ServerThreadMessage | undefined;
  failure: Error | undefined;
  code: number;
}

/** The error the server thread reported, as it was thrown there (name, message, code, listener). */
function errorOf({ message, name, code, listener }: Extract<ServerThreadMessage, { kind: 'failed' }>): Error {
  const err = new Error(message);
  err.name = name;
  return Object.assign(err, code === undefined ? {} : { code }, listener === undefined ? {} : { listener });
}

/** The built worker (from the package's root, so that tests running the sources find it too). */
function workerFile(): string {
  const root = path.dirname(require.resolve('@transcriber/otlp-receiver/package.json'));
  const file = path.join(root, 'dist', 'otlpServerWorker.js');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing (is the package built?)`);
  return file;
}
