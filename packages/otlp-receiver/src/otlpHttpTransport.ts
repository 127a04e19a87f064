import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IntakeAnswer, OtlpIntake } from './otlpIntake';
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

export interface OtlpHttpOptions {
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
}

const PATHS: Record<string, OtlpSignal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' };
const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
const MIB = 1024 * 1024;
/** An oversized body declared this many times over the limit is refused before it is read. */
const DISCARD_FACTOR = 4;

/** A request whose body is to be read: what it sends, how, and its Content-Length (NaN without one). */
interface AdmittedRequest {
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  gzip: boolean;
  declared: number;
}

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
 * OTLP/HTTP in front of the intake (https://opentelemetry.io/docs/specs/otlp/#otlphttp): POST
 * /v1/traces, /v1/metrics and /v1/logs, protobuf or JSON bodies, optionally gzip-compressed,
 * answered with the OTLP response messages in the request's encoding. A body size cap before and
 * after decompression (413), the intake's admission (429 + Retry-After when busy, 503 + Retry-After
 * while the databases cannot be written or while shutting down), a malformed body answered 400
 * with the reason.
 */
export class OtlpHttpTransport {
  /** Requests answered, by HTTP status. */
  readonly requests: Record<string, number> = {};
  private bound: AddressInfo | undefined;

  private constructor(
    private readonly server: http.Server,
    private readonly intake: OtlpIntake,
    private readonly limits: BodyLimits,
  ) {}

  /** Starts listening; rejects if the address cannot be bound (e.g. the port is taken). */
  static async listen(intake: OtlpIntake, options: OtlpHttpOptions): Promise<OtlpHttpTransport> {
    const limits = {
      maxBodyBytes: options.maxBodyBytes ?? 8 * MIB,
      maxDecompressedBytes: options.maxDecompressedBytes ?? 16 * MIB,
    };
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
    const self = new OtlpHttpTransport(server, intake, limits);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => self.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4318, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
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

  /**
   * Stops accepting connections and closes idle ones; requests arriving on kept-alive connections
   * meanwhile are answered 503 with `Connection: close` (the intake is closing). Resolves once every
   * connection is gone (see `closeConnections`).
   */
  stopAccepting(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    return closed;
  }

  /** Closes every connection left: called once the requests under way are answered. */
  closeConnections(): void {
    this.server.closeAllConnections();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const route = this.route(req);
    if ('status' in route) {
      this.send(res, route);
      return;
    }
    this.intake.begin();
    this.receive(req, route).then(
      (reply) => this.finish(res, reply),
      (err: unknown) =>
        this.finish(res, failure(500, route.encoding, RPC_UNAVAILABLE, `internal error: ${(err as Error).message}`)),
    );
  }

  /** The request's signal and encoding, or the reply refusing it before its body is read. */
  private route(req: http.IncomingMessage): AdmittedRequest | Reply {
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
    // Declared over the limit: answered 413 (once read, see readBody) even when the budget is
    // spent, as it can never be taken; a 429 would have the sender send it again and again.
    const tooLarge = declared > this.limits.maxBodyBytes;
    const refusal = tooLarge && !this.intake.isClosing ? undefined : this.intake.refusal();
    if (refusal !== undefined) return replyOf(refusal, encoding);
    return { signal, encoding, gzip: contentEncoding === 'gzip' || contentEncoding === 'x-gzip', declared };
  }

  private async receive(
    req: http.IncomingMessage,
    { signal, encoding, gzip, declared }: AdmittedRequest,
  ): Promise<Reply> {
    const read = await readBody(req, gzip, this.limits, this.intake.budget, declared);
    switch (read.kind) {
      case 'body':
        return replyOf(this.intake.receive(signal, encoding, read.body), encoding);
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
        return { ...replyOf(this.intake.budgetSpent(), encoding), close: read.cut };
      case 'bad-gzip':
        return failure(400, encoding, RPC_INVALID_ARGUMENT, `body is not valid gzip: ${read.message}`);
    }
  }

  private finish(res: http.ServerResponse, reply: Reply): void {
    this.send(res, this.intake.isClosing ? { ...reply, close: true } : reply);
    this.intake.end();
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
}

/** The intake's answer as OTLP/HTTP gives it (https://opentelemetry.io/docs/specs/otlp/#failures-1). */
function replyOf(answer: IntakeAnswer, encoding: OtlpEncoding): Reply {
  switch (answer.kind) {
    case 'accepted':
      return {
        status: 200,
        encoding,
        body: exportResponseBody(answer.signal, encoding, answer.rejected, answer.message),
      };
    case 'bad-data':
      return failure(400, encoding, RPC_INVALID_ARGUMENT, answer.message);
    case 'too-large':
      return failure(413, encoding, RPC_INVALID_ARGUMENT, answer.message);
    case 'busy':
      return { ...failure(429, encoding, RPC_RESOURCE_EXHAUSTED, answer.message), retryAfterS: answer.retryAfterS };
    case 'unavailable':
      return {
        ...failure(503, encoding, RPC_UNAVAILABLE, answer.message),
        retryAfterS: answer.retryAfterS,
        close: answer.closing,
      };
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
