import { OtlpGrpcTransport } from './otlpGrpcTransport';
import { OtlpHttpTransport, type OtlpHttpOptions } from './otlpHttpTransport';
import { OtlpIntake, type OtlpIntakeOptions } from './otlpIntake';
import type { ItemCounts } from './otlpReceiver';

export interface OtlpServerOptions extends OtlpIntakeOptions, OtlpHttpOptions {
  /**
   * Port for OTLP/gRPC on the same host (4317 is its default port; 0 picks a free one); none when
   * not given. Its calls are held to `requestTimeoutMs`, and a connection without a call is closed
   * after `headersTimeoutMs`.
   */
  grpcPort?: number;
  /**
   * Largest OTLP/gRPC export message, bytes, as sent and once decompressed (grpc-js has one limit
   * for both). Default 4 MiB, gRPC's own default (grpc-go's, so the OTel Collector's receiver's):
   * senders keep their batches under it. grpc-js reads a message whole before the byte budget can
   * count it, so this bounds what each call being received holds.
   */
  maxGrpcMessageBytes?: number;
}

/** What the server did, for its summary at shutdown. */
export interface CollectStats extends ItemCounts {
  /** OTLP/HTTP requests answered, by HTTP status. */
  requests: Record<string, number>;
  /** OTLP/gRPC calls answered, by gRPC status name (OK, UNAVAILABLE, …); empty without gRPC. */
  grpcCalls: Record<string, number>;
}

/**
 * The OTLP receiver behind `transcriber collect`: OTLP/HTTP, and OTLP/gRPC when asked, in front of
 * one intake (one byte budget, one queue, one set of databases). `close()` stops both from
 * accepting, answers the requests under way, and writes everything accepted before it resolves.
 */
export class OtlpServer {
  private closing: Promise<CollectStats> | undefined;

  private constructor(
    private readonly intake: OtlpIntake,
    private readonly http: OtlpHttpTransport,
    private readonly grpc: OtlpGrpcTransport | undefined,
  ) {}

  /** Starts listening; rejects if an address cannot be bound (e.g. a port is taken), leaving nothing open. */
  static async start(options: OtlpServerOptions): Promise<OtlpServer> {
    const intake = OtlpIntake.open(options);
    let http: OtlpHttpTransport | undefined;
    try {
      http = await OtlpHttpTransport.listen(intake, options);
      const grpc =
        options.grpcPort === undefined
          ? undefined
          : await OtlpGrpcTransport.listen(intake, {
              host: options.host,
              port: options.grpcPort,
              maxMessageBytes: options.maxGrpcMessageBytes,
              requestTimeoutMs: options.requestTimeoutMs,
              idleTimeoutMs: options.headersTimeoutMs,
            });
      return new OtlpServer(intake, http, grpc);
    } catch (err) {
      if (http !== undefined) {
        const closed = http.stopAccepting();
        http.closeConnections();
        await closed;
      }
      await intake.close();
      throw err;
    }
  }

  /** The OTLP/HTTP address (the actual port when 0 was asked for); still known after close. */
  get address(): { host: string; port: number } {
    return this.http.address;
  }

  /** Base URL OTLP/HTTP senders use, e.g. `http://127.0.0.1:4318`. */
  get url(): string {
    return this.http.url;
  }

  /** Where OTLP/gRPC senders send, e.g. `127.0.0.1:4317`; undefined without gRPC. */
  get grpcTarget(): string | undefined {
    return this.grpc?.target;
  }

  get stats(): CollectStats {
    const counts = this.intake.counts;
    return {
      spans: { ...counts.spans },
      metricPoints: { ...counts.metricPoints },
      logRecords: { ...counts.logRecords },
      values: { ...counts.values },
      turnsDerived: counts.turnsDerived,
      requests: { ...this.http.requests },
      grpcCalls: { ...this.grpc?.calls },
    };
  }

  /** Resolves when everything accepted so far is written (or is waiting on a storage fault's retry). */
  flush(): Promise<void> {
    return this.intake.flush();
  }

  /** Stops accepting, answers the requests under way, writes everything accepted, closes the databases. */
  close(): Promise<CollectStats> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<CollectStats> {
    const httpClosed = this.http.stopAccepting();
    const grpcClosed = this.grpc?.stopAccepting();
    await this.intake.close();
    // Everything under way is answered: nothing is left to wait for on any connection now.
    this.http.closeConnections();
    this.grpc?.closeConnections();
    await Promise.all([httpClosed, grpcClosed]);
    return this.stats;
  }
}
