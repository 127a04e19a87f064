import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ByteBudget } from './byteBudget';
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
import { readBody, type BodyLimits } from './requestBody';

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
   * Bytes held in memory at once by bodies being read (as kept: decompressed) and by the rows of
   * accepted requests not yet written; a body that does not fit is answered 429. Default 64 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Milliseconds a connection may take to send a request's line and headers (from its first byte),
   * and may stay silent before its first request; past them it is closed (408 for the first).
   * Default 10 s.
   */
  headersTimeoutMs?: number;
  /**
   * Milliseconds a request may take to arrive whole, headers and body; past it the server answers
   * 408 and closes the connection, so a sender trickling a body cannot hold it open. Default 30 s
   * (OTel exporters give a whole export 10 s).
   */
  requestTimeoutMs?: number;
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
/** An oversized body declared this many times over the limit is refused before it is read. */
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
    private readonly limits: BodyLimits,
    private readonly budget: ByteBudget,
    private readonly notify: ((message: string) => void) | undefined,
  ) {}

  /** Starts listening; rejects if the address cannot be bound (e.g. the port is taken). */
  static async start(options: OtlpHttpServerOptions): Promise<OtlpHttpServer> {
    const limits = {
      maxBodyBytes: options.maxBodyBytes ?? 8 * MIB,
      maxDecompressedBytes: options.maxDecompressedBytes ?? 32 * MIB,
    };
    const maxBufferedBytes = options.maxBufferedBytes ?? 32 * MIB;
    const receiver = new OtlpReceiver({ ...options, maxQueuedBytes: maxBufferedBytes });
    const budget = new ByteBudget(maxBufferedBytes, () => receiver.bytesQueued);
    const headersTimeout = options.headersTimeoutMs ?? 10_000;
    const requestTimeout = Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout);
    // Time limits must be given to the constructor: assigned afterwards, requestTimeout kept
    // Node 20's default of 300 s (8 senders trickling bodies held the receiver for minutes). Node
    // checks them every connectionsCheckingInterval, 30 s by default: a quarter of the headers
    // limit keeps the check within 25% of it. A connection that sends nothing at all is not
    // checked by either (measured on Node 20): the socket's idle timeout closes it.
    const server = http.createServer({
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    });
    server.timeout = headersTimeout;
    const self = new OtlpHttpServer(server, receiver, limits, budget, options.notify);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => self.handle(req, res));
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
      values: { ...counts.values },
      turnsDerived: counts.turnsDerived,
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
    if (declared > DISCARD_FACTOR * this.limits.maxBodyBytes) {
      return {
        ...failure(
          413,
          encoding,
          RPC_INVALID_ARGUMENT,
          `body of ${declared} bytes exceeds the limit of ${this.limits.maxBodyBytes}; send smaller batches`,
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
    if (!this.receiver.hasRoom || !this.budget.hasRoom) {
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
    return { signal, encoding, gzip: contentEncoding === 'gzip' || contentEncoding === 'x-gzip' };
  }

  private async receive(
    req: http.IncomingMessage,
    signal: OtlpSignal,
    encoding: OtlpEncoding,
    gzip: boolean,
  ): Promise<Reply> {
    const read = await readBody(req, gzip, this.limits, this.budget);
    switch (read.kind) {
      case 'aborted':
        return failure(400, encoding, RPC_INVALID_ARGUMENT, 'the request was aborted');
      case 'too-large':
        return {
          ...failure(
            413,
            encoding,
            RPC_INVALID_ARGUMENT,
            `body exceeds the limit of ${this.limits.maxBodyBytes} bytes; send smaller batches`,
          ),
          close: read.cut,
        };
      case 'decompressed-too-large':
        return {
          ...failure(
            413,
            encoding,
            RPC_INVALID_ARGUMENT,
            `decompressed body exceeds the limit of ${this.limits.maxDecompressedBytes} bytes; send smaller batches`,
          ),
          close: read.cut,
        };
      case 'busy':
        return {
          ...failure(
            429,
            encoding,
            RPC_RESOURCE_EXHAUSTED,
            `more than ${this.budget.limit} bytes are being received or waiting to be written; retry later`,
          ),
          retryAfterS: RETRY_AFTER_BUSY_S,
          close: read.cut,
        };
      case 'bad-gzip':
        return failure(400, encoding, RPC_INVALID_ARGUMENT, `body is not valid gzip: ${read.message}`);
    }
    // The body's bytes pass from the budget's bodies to the receiver's queued rows (or are freed).
    try {
      return this.decode(signal, encoding, read.body);
    } finally {
      this.budget.give(read.body.length);
    }
  }

  private decode(signal: OtlpSignal, encoding: OtlpEncoding, body: Buffer): Reply {
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
          ...failure(429, encoding, RPC_RESOURCE_EXHAUSTED, `${outcome.queued} are waiting to be written; retry later`),
          retryAfterS: RETRY_AFTER_BUSY_S,
        };
      case 'too-many':
        return failure(
          413,
          encoding,
          RPC_INVALID_ARGUMENT,
          `${outcome.items} in one request exceed the queue of ${outcome.limit}; send smaller batches`,
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
      this.notify?.(
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
