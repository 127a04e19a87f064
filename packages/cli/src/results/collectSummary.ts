import type { CollectStats } from '@transcriber/otlp-receiver';

// The result of `transcriber collect` once it stops.

export interface CollectSummary {
  /** Where senders sent to, e.g. `http://127.0.0.1:4318`. */
  url: string;
  /** Where OTLP/gRPC senders sent to, e.g. `127.0.0.1:4317`; absent with `--grpc-port off`. */
  grpcTarget?: string;
  dataDir: string;
  /** The signal that stopped the receiver. */
  stoppedBy: string;
  stats: CollectStats;
}
