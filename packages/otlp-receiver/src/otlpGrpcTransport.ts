import * as grpc from '@grpc/grpc-js';
import type { IntakeAnswer, IntakeRefusal, OtlpIntake } from './otlpIntake';
import { exportResponseBody, retryInfo, statusWithRetryInfo, type OtlpSignal } from './otlpResponses';

export interface OtlpGrpcOptions {
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 4317, the OTLP/gRPC port. */
  port?: number;
  /**
   * Largest export message, bytes, as sent and once decompressed (grpc-js has one limit for both).
   * Default 4 MiB (see OtlpServerOptions.maxGrpcMessageBytes).
   */
  maxMessageBytes?: number;
  /**
   * Milliseconds a call may take from its headers until its message has arrived whole; past it
   * the call is ended with DEADLINE_EXCEEDED, so a sender trickling a message cannot hold on to
   * it. Default 30 s.
   */
  requestTimeoutMs?: number;
  /** Milliseconds a connection may stay without a call before it is closed (GOAWAY). Default 10 s. */
  idleTimeoutMs?: number;
  /**
   * Milliseconds a connection may live: then it is sent GOAWAY (senders reconnect for their next
   * call) and, `requestTimeoutMs` later, closed. Default 5 minutes. A call ended for its time limit
   * is answered and its further bytes are thrown away, but grpc-js leaves the stream open while the
   * sender goes on writing: this bounds how long such a sender keeps its connection.
   */
  maxConnectionAgeMs?: number;
}

/** The OTLP/gRPC services, by the path of their one method (opentelemetry-proto collector/<signal>/v1). */
const EXPORT_PATHS: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};
const MIB = 1024 * 1024;
/** Key in `calls` of calls grpc-js or the sender ended before the receiver answered (see `calls`). */
const ENDED_EARLY = 'ended early';
/** Bytes pass through grpc-js untouched: requests go to our own decoder, responses are encoded by us. */
const passThrough = (bytes: Buffer): Buffer => bytes;

interface GrpcStatus {
  code: grpc.status;
  details: string;
  metadata?: grpc.Metadata;
}

/**
 * OTLP/gRPC in front of the intake (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc): the trace,
 * metrics and logs services' Export, gzip or deflate messages (grpc-js inflates them). The services
 * are registered with pass-through (de)serializers, so an export message reaches the same decoder,
 * limits and receiver as an OTLP/HTTP protobuf body. Admission happens when a call's headers
 * arrive, before its message is read (an interceptor: grpc-js reads nothing until the handler asks);
 * the message is taken from the byte budget once grpc-js has read it whole.
 */
export class OtlpGrpcTransport {
  /**
   * Calls answered, by gRPC status name (OK, INVALID_ARGUMENT, UNAVAILABLE, …); under ENDED_EARLY
   * those ended before the receiver answered: a message over the size limit or not decompressible
   * (grpc-js answers RESOURCE_EXHAUSTED or INTERNAL itself, before any interceptor sees the
   * message), or a call the sender cancelled.
   */
  readonly calls: Record<string, number> = {};
  private boundPort = 0;
  private readonly server: grpc.Server;

  private constructor(
    private readonly intake: OtlpIntake,
    private readonly host: string,
    private readonly requestTimeoutMs: number,
    serverOptions: grpc.ServerOptions,
  ) {
    this.server = new grpc.Server({ ...serverOptions, interceptors: [(_method, call) => this.admit(call)] });
    for (const signal of Object.keys(EXPORT_PATHS) as OtlpSignal[]) {
      this.server.addService(
        {
          Export: {
            path: EXPORT_PATHS[signal],
            requestStream: false,
            responseStream: false,
            requestSerialize: passThrough,
            requestDeserialize: passThrough,
            responseSerialize: passThrough,
            responseDeserialize: passThrough,
          },
        },
        {
          Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
            this.export(signal, call.request, callback),
        },
      );
    }
  }

  /** Starts listening; rejects with the bind error's `code` (EADDRINUSE …) if the address cannot be bound. */
  static async listen(intake: OtlpIntake, options: OtlpGrpcOptions): Promise<OtlpGrpcTransport> {
    const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 4317;
    // grpc-js logs errors to the console itself (a failed bind, as "E No address added …"): what
    // it would say reaches the caller as a rejection or a call's status, and `collect` keeps its
    // stderr to one line per error.
    grpc.setLogVerbosity(grpc.logVerbosity.NONE);
    const self = new OtlpGrpcTransport(intake, host, requestTimeoutMs, {
      'grpc.max_receive_message_length': options.maxMessageBytes ?? 4 * MIB,
      'grpc.max_connection_idle_ms': options.idleTimeoutMs ?? 10_000,
      'grpc.max_connection_age_ms': options.maxConnectionAgeMs ?? 5 * 60_000,
      'grpc.max_connection_age_grace_ms': requestTimeoutMs,
    });
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    self.boundPort = await new Promise<number>((resolve, reject) =>
      self.server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) =>
        err === null ? resolve(bound) : reject(bindError(err, host, port)),
      ),
    );
    return self;
  }

  /** The bound address (the actual port when 0 was asked for). */
  get address(): { host: string; port: number } {
    return { host: this.host, port: this.boundPort };
  }

  /** What senders use as their endpoint, e.g. `127.0.0.1:4317`. */
  get target(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.boundPort}` : `${this.host}:${this.boundPort}`;
  }

  /**
   * Stops accepting connections and calls (open connections are sent GOAWAY); calls under way go
   * on. Resolves once every connection is gone (see `closeConnections`).
   */
  stopAccepting(): Promise<void> {
    return new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  /** Ends every connection and call left: called once the calls under way are answered. */
  closeConnections(): void {
    this.server.forceShutdown();
  }

  /**
   * Sits between a call and its handler: refuses the call from its headers when the intake must
   * (nothing of its message is read then), counts an admitted call as under way until its status
   * is sent, and ends one whose message does not arrive within the time limit.
   */
  private admit(call: grpc.ServerInterceptingCallInterface): grpc.ServerInterceptingCall {
    let underWay = false;
    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      if (underWay) {
        underWay = false;
        this.intake.end();
      }
    };
    const count = (name: string) => (this.calls[name] = (this.calls[name] ?? 0) + 1);
    const intercepting: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, proceed) => {
            const refusal = this.intake.refusal();
            if (refusal !== undefined) {
              intercepting.sendStatus(statusOf(refusal));
              return;
            }
            underWay = true;
            this.intake.begin();
            timer = setTimeout(
              () =>
                intercepting.sendStatus({
                  code: grpc.status.DEADLINE_EXCEEDED,
                  details: `the export message did not arrive within ${this.requestTimeoutMs} ms`,
                }),
              this.requestTimeoutMs,
            );
            proceed(metadata);
          },
          onReceiveMessage: (message, proceed) => {
            clearTimeout(timer);
            proceed(message);
          },
          // Also called after every status sent, ours included.
          onCancel: () => {
            if (!answered) count(ENDED_EARLY);
            answered = true;
            settle();
          },
        }),
      sendStatus: (status, proceed) => {
        if (!answered) count(grpc.status[status.code ?? grpc.status.UNKNOWN]);
        answered = true;
        proceed(status);
        settle();
      },
    });
    return intercepting;
  }

  private export(signal: OtlpSignal, body: Buffer, callback: grpc.sendUnaryData<Buffer>): void {
    let answer: IntakeAnswer;
    try {
      answer = this.intake.budget.take(body.length)
        ? this.intake.receive(signal, 'protobuf', body)
        : this.intake.budgetSpent();
    } catch (err) {
      callback({ code: grpc.status.INTERNAL, details: `internal error: ${(err as Error).message}` });
      return;
    }
    if (answer.kind === 'accepted') {
      callback(null, exportResponseBody(signal, 'protobuf', answer.rejected, answer.message));
    } else {
      callback(statusOf(answer));
    }
  }
}

/**
 * A refusal as OTLP/gRPC gives it: INVALID_ARGUMENT for bad data, RESOURCE_EXHAUSTED (without
 * RetryInfo: not to be retried) for a message too large, UNAVAILABLE with RetryInfo when busy or
 * unavailable. RetryInfo goes in the status details (`grpc-status-details-bin`, as Go and the
 * Collector read it) and on its own (`google.rpc.retryinfo-bin`, as the OTel Python exporter reads it).
 */
function statusOf(answer: IntakeRefusal): GrpcStatus {
  switch (answer.kind) {
    case 'bad-data':
      return { code: grpc.status.INVALID_ARGUMENT, details: answer.message };
    case 'too-large':
      return { code: grpc.status.RESOURCE_EXHAUSTED, details: answer.message };
    case 'busy':
    case 'unavailable': {
      const metadata = new grpc.Metadata();
      metadata.set(
        'grpc-status-details-bin',
        statusWithRetryInfo(grpc.status.UNAVAILABLE, answer.message, answer.retryAfterS),
      );
      metadata.set('google.rpc.retryinfo-bin', retryInfo(answer.retryAfterS));
      return { code: grpc.status.UNAVAILABLE, details: answer.message, metadata };
    }
  }
}

/**
 * grpc-js reports a failed bind as one message listing its causes: the error gets the first cause's
 * `code`, and the `address` and `port` asked for, as `net` gives them, and `listener: 'grpc'`.
 */
function bindError(err: Error, address: string, port: number): Error {
  const code = /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL|ENOTFOUND|EAI_AGAIN)\b/.exec(err.message)?.[1];
  return Object.assign(err, { code, address, port, listener: 'grpc' });
}
