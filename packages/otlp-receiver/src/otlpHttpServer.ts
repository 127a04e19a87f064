import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { OtlpDecodeError } from './otlpDecodeError';
import { OtlpReceiver, type ItemCounts, type OtlpReceiverOptions, type ReceiveOutcome } from './otlpReceiver';
import {
  exportResponseBody,
  RPC_INVALID_ARGUMENT,
  RPC_RESOURCE_EXHAUSTED,
  RPC_UNAVAILABLE,
  RPC_UNIMPLEMENTED,
  statusBody,
  type OtlpEncoding,
  type OtlpSignal,
} from './otlpResponses';

export interface OtlpHttpServerOptions extends OtlpReceiverOptions {
  /** Address to listen on. Default 127.0.0.1: telemetry names code paths and timings. */
  host?: string;
  /** Port; 0 picks a free one. Default 4318, the OTLP/HTTP port. */
  port?: number;
  /**
   * Largest request body as sent (compressed or not), bytes. Default 8 MiB: OTel SDK batches (512
   * spans) are well under 1 MiB; a Collector's batches of a few thousand items fit too.
   */
  maxBodyBytes?: number;
  /** Largest body after gzip decompression, bytes. Default 32 MiB. */
  maxDecompressedBytes?: number;
  /**
   * Requests being read or decoded at once; more are answered 429. With the size caps this bounds the
   * memory bodies take: 8 × (8 + 32) MiB at most. Default 8.
   */
  maxConcurrentRequests?: number;
  /** Told about things an operator should know: storage faults starting and clearing. */
  notify?: (message: string) => void;
}

/** What the server did, for its summary at shutdown. */
export interface CollectStats extends ItemCounts {
  /** Requests answered, by HTTP status. */
  requests: Record<string, number>;
}

const PATHS: Record<string, OtlpSignal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };
const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
const MIB = 1024 * 1024;
/** An oversized body is read (and thrown away) up to this many times the limit, then cut off. */
const DISCARD_FACTOR = 4;
/**
 * Seconds a sender should wait: after 429 (the queue drains in well under a second) and 503 for a
 * storage fault (the writer retries from 250 ms on; a lock is usually gone by then), short enough
 * that an OTel exporter's retries fit in its 10 s export timeout; after 503 for a shutdown, long
 * enough for a restart.
 */
const RETRY_AFTER_BUSY_S = 1;
const RETRY_AFTER_FAULT_S = 1;
const RETRY_AFTER_SHUTDOWN_S = 5;

interface Reply {
  status: number;
  encoding: OtlpEncoding;
  body: Buffer;
  retryAfterS?: number;
  /** End the connection after this reply (the rest of an unread body is not worth reading). */
  close?: boolean;
  allow?: string;
}

/**
 * The OTLP/HTTP receiver behind `transcriber collect`: POST /v1/traces, /v1/metrics and /v1/logs,
 * protobuf or JSON bodies, optionally gzip-compressed, answered with the OTLP response messages in
 * the request's encoding (https://opentelemetry.io/docs/specs/otlp/#otlphttp). Limits keep it
 * safe: a body size cap before and after decompression (413), a bounded queue (429 + Retry-After
 * when full, 503 + Retry-After while the databases cannot be written), a malformed body answered
 * 400 with the reason. `close()` stops accepting, finishes the requests under way, and writes
 * everything accepted before it resolves.
 */
export class OtlpHttpServer {
  private readonly requests: Record<string, number> = {};
  private inFlight = 0;
  private closing: Promise<CollectStats> | undefined;
  private idle: (() => void) | undefined;
  private reportedFault: string | undefined;
  private bound: AddressInfo | undefined;

  private constructor(
    private readonly server: http.Server,
    private readonly receiver: OtlpReceiver,
    private readonly options: Required<
      Pick<OtlpHttpServerOptions, 'maxBodyBytes' | 'maxDecompressedBytes' | 'maxConcurrentRequests'>
    > &
      Pick<OtlpHttpServerOptions, 'notify'>,
  ) {}

  /** Starts listening; rejects if the address cannot be bound (e.g. the port is taken). */
  static async start(options: OtlpHttpServerOptions): Promise<OtlpHttpServer> {
    const receiver = new OtlpReceiver(options);
    const server = http.createServer();
    const self = new OtlpHttpServer(server, receiver, {
      maxBodyBytes: options.maxBodyBytes ?? 8 * MIB,
      maxDecompressedBytes: options.maxDecompressedBytes ?? 32 * MIB,
      maxConcurrentRequests: options.maxConcurrentRequests ?? 8,
      notify: options.notify,
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => self.handle(req, res));
    // A sender that stalls mid-body must not hold a slot for ever.
    server.requestTimeout = 30_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 4318, options.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      await receiver.shutdown();
      throw err;
    }
    self.bound = server.address() as AddressInfo;
    return self;
  }

  /** The bound address (the actual port when 0 was asked for); still known after close. */
  get address(): { host: string; port: number } {
    return { host: this.bound!.address, port: this.bound!.port };
  }

  /** Base URL senders use, e.g. `http://127.0.0.1:4318`. */
  get url(): string {
    const { host, port } = this.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  get stats(): CollectStats {
    const counts = this.receiver.counts;
    return {
      spans: { ...counts.spans },
      metricPoints: { ...counts.metricPoints },
      logRecords: { ...counts.logRecords },
      requests: { ...this.requests },
    };
  }

  /** Resolves when everything accepted so far is written (or is waiting on a storage fault's retry). */
  flush(): Promise<void> {
    return this.receiver.flush();
  }

  /** Stops accepting, answers the requests under way, writes everything accepted, closes the databases. */
  close(): Promise<CollectStats> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<CollectStats> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.receiver.shutdown();
    // Requests that arrived on kept-alive connections while closing were answered 503 with
    // `Connection: close`; nothing is left to wait for on any connection now.
    this.server.closeAllConnections();
    await closed;
    return this.stats;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const route = this.route(req);
    if ('status' in route) {
      this.send(res, route);
      return;
    }
    this.inFlight++;
    this.receive(req, route.signal, route.encoding, route.gzip).then(
      (reply) => this.finish(res, reply),
      (err: unknown) =>
        this.finish(res, failure(500, route.encoding, RPC_UNAVAILABLE, `internal error: ${(err as Error).message}`)),
    );
  }

  /** The request's signal and encoding, or the reply refusing it before its body is read. */
  private route(req: http.IncomingMessage): { signal: OtlpSignal; encoding: OtlpEncoding; gzip: boolean } | Reply {
    const signal = PATHS[(req.url ?? '').split('?')[0]];
    const encoding = encodingOf(req.headers['content-type']);
    const replyEncoding = encoding ?? 'json';
    if (signal === undefined) {
      return failure(
        404,
        replyEncoding,
        RPC_UNIMPLEMENTED,
        `no OTLP endpoint at ${req.url}; use /v1/traces, /v1/metrics or /v1/logs`,
      );
    }
    if (req.method !== 'POST')
      return {
        ...failure(405, replyEncoding, RPC_UNIMPLEMENTED, `${req.method} is not supported; send POST`),
        allow: 'POST',
      };
    if (encoding === undefined) {
      return failure(
        415,
        'json',
        RPC_INVALID_ARGUMENT,
        `unsupported content-type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/x-protobuf or application/json`,
      );
    }
    const contentEncoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (
      contentEncoding !== '' &&
      contentEncoding !== 'identity' &&
      contentEncoding !== 'gzip' &&
      contentEncoding !== 'x-gzip'
    ) {
      return failure(
        415,
        encoding,
        RPC_INVALID_ARGUMENT,
        `unsupported content-encoding ${JSON.stringify(contentEncoding)}; use gzip or none`,
      );
    }
    const declared = Number(req.headers['content-length']);
    // Over the limit but not absurdly: read to the end and answer 413 (see readBody). Absurdly:
    // answer at once and cut the connection.
    if (declared > DISCARD_FACTOR * this.options.maxBodyBytes) {
      return {
        ...failure(
          413,
          encoding,
          RPC_INVALID_ARGUMENT,
          `body of ${declared} bytes exceeds the limit of ${this.options.maxBodyBytes}; send smaller batches`,
        ),
        close: true,
      };
    }
    if (this.closing !== undefined) {
      return {
        ...failure(503, encoding, RPC_UNAVAILABLE, 'the receiver is shutting down'),
        retryAfterS: RETRY_AFTER_SHUTDOWN_S,
        close: true,
      };
    }
    // A full queue first: then nothing can be taken whatever the storage's state.
    if (!this.receiver.hasRoom) {
      return {
        ...failure(429, encoding, RPC_RESOURCE_EXHAUSTED, 'too much data waiting to be written; retry later'),
        retryAfterS: RETRY_AFTER_BUSY_S,
      };
    }
    const fault = this.checkStorage();
    if (fault !== undefined) {
      return {
        ...failure(
          503,
          encoding,
          RPC_UNAVAILABLE,
          `the databases cannot be written right now (${fault}); data is kept for when they can`,
        ),
        retryAfterS: RETRY_AFTER_FAULT_S,
      };
    }
    if (this.inFlight >= this.options.maxConcurrentRequests) {
      return {
        ...failure(429, encoding, RPC_RESOURCE_EXHAUSTED, 'too many requests at once; retry later'),
        retryAfterS: RETRY_AFTER_BUSY_S,
      };
    }
    return { signal, encoding, gzip: contentEncoding === 'gzip' || contentEncoding === 'x-gzip' };
  }

  private async receive(
    req: http.IncomingMessage,
    signal: OtlpSignal,
    encoding: OtlpEncoding,
    gzip: boolean,
  ): Promise<Reply> {
    const read = await readBody(req, this.options.maxBodyBytes);
    if (read === 'aborted') return failure(400, encoding, RPC_INVALID_ARGUMENT, 'the request was aborted');
    if (read === 'too-large' || read === 'cut') {
      return {
        ...failure(
          413,
          encoding,
          RPC_INVALID_ARGUMENT,
          `body exceeds the limit of ${this.options.maxBodyBytes} bytes; send smaller batches`,
        ),
        close: read === 'cut',
      };
    }
    let body = read;
    if (gzip) {
      try {
        body = await gunzip(read, this.options.maxDecompressedBytes);
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          return failure(
            413,
            encoding,
            RPC_INVALID_ARGUMENT,
            `decompressed body exceeds the limit of ${this.options.maxDecompressedBytes} bytes; send smaller batches`,
          );
        }
        return failure(400, encoding, RPC_INVALID_ARGUMENT, `body is not valid gzip: ${(err as Error).message}`);
      }
    }
    let outcome: ReceiveOutcome;
    try {
      outcome = this.receiver.receive(signal, encoding, body);
    } catch (err) {
      if (err instanceof OtlpDecodeError)
        return failure(400, encoding, RPC_INVALID_ARGUMENT, `malformed ${signal} request: ${err.message}`);
      throw err;
    }
    switch (outcome.kind) {
      case 'accepted':
        return { status: 200, encoding, body: exportResponseBody(signal, encoding, outcome.rejected, outcome.message) };
      case 'busy':
        return {
          ...failure(
            429,
            encoding,
            RPC_RESOURCE_EXHAUSTED,
            `${outcome.queued} rows are waiting to be written; retry later`,
          ),
          retryAfterS: RETRY_AFTER_BUSY_S,
        };
      case 'too-many':
        return failure(
          413,
          encoding,
          RPC_INVALID_ARGUMENT,
          `${outcome.items} items in one request exceed the queue of ${outcome.limit}; send smaller batches`,
        );
      case 'closed':
        return {
          ...failure(503, encoding, RPC_UNAVAILABLE, 'the receiver is shutting down'),
          retryAfterS: RETRY_AFTER_SHUTDOWN_S,
          close: true,
        };
    }
  }

  private finish(res: http.ServerResponse, reply: Reply): void {
    this.send(res, this.closing === undefined ? reply : { ...reply, close: true });
    if (--this.inFlight === 0 && this.idle !== undefined) this.idle();
  }

  private send(res: http.ServerResponse, reply: Reply): void {
    this.requests[reply.status] = (this.requests[reply.status] ?? 0) + 1;
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': CONTENT_TYPES[reply.encoding],
      'Content-Length': reply.body.length,
    };
    if (reply.retryAfterS !== undefined) headers['Retry-After'] = String(reply.retryAfterS);
    if (reply.allow !== undefined) headers.Allow = reply.allow;
    if (reply.close) headers.Connection = 'close';
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  }

  /** The storage fault, telling the operator once when one starts and once when it clears. */
  private checkStorage(): string | undefined {
    const fault = this.receiver.storageFault;
    if (fault !== this.reportedFault) {
      this.options.notify?.(
        fault === undefined
          ? 'the databases are writable again; accepting data'
          : `the databases cannot be written (${fault}); answering 503 until they can`,
      );
      this.reportedFault = fault;
    }
    return fault;
  }
}

function failure(status: number, encoding: OtlpEncoding, code: number, message: string): Reply {
  return { status, encoding, body: statusBody(encoding, code, message) };
}

function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

/**
 * The body, or why there is none. Past the limit the rest is read and thrown away, so that a sender
 * that writes its whole body before reading the answer (as the OTel exporters do) gets the 413
 * rather than a broken pipe; past DISCARD_FACTOR × the limit the read stops (`cut`: the connection
 * is then closed).
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'cut' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DISCARD_FACTOR * limit) {
        req.pause();
        resolve('cut');
      } else if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks, size)));
    req.on('error', () => resolve('aborted'));
    req.on('aborted', () => resolve('aborted'));
  });
}

function gunzip(body: Buffer, maxOutputLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.gunzip(body, { maxOutputLength }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}
