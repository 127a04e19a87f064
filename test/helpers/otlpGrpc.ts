// Export calls to an OTLP/gRPC receiver with grpc-js as a client, for what the OpenTelemetry exporters
// will not send (malformed or oversized messages), and the status each call ends with, RetryInfo
// decoded from both trailers that carry it.
import * as grpc from '@grpc/grpc-js';

export type Signal = 'traces' | 'metrics' | 'logs';

const SERVICES: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};

export interface CallResult {
  /** gRPC status code (0 = OK). */
  code: number;
  details: string;
  /** The response message (OK) as sent. */
  response?: Buffer;
  /** Seconds to wait by `google.rpc.retryinfo-bin` (undefined when absent). */
  retryInfoS?: number;
  /** The `grpc-status-details-bin` trailer: its code and, if a RetryInfo is among its details, the delay. */
  statusDetails?: { code: number; message: string; retryInfoS?: number };
}

const passThrough = (bytes: Buffer): Buffer => bytes;
const clients: grpc.Client[] = [];

/** One Export call of `body` (bytes as given) to `target` (host:port); gzip-compresses when asked. */
export function exportCall(
  target: string,
  signal: Signal,
  body: Buffer,
  options: { gzip?: boolean; path?: string } = {},
): Promise<CallResult> {
  const Client = grpc.makeGenericClientConstructor(
    {
      Export: {
        path: options.path ?? `/${SERVICES[signal]}/Export`,
        requestStream: false,
        responseStream: false,
        requestSerialize: passThrough,
        requestDeserialize: passThrough,
        responseSerialize: passThrough,
        responseDeserialize: passThrough,
      },
    },
    SERVICES[signal],
  );
  const client = new Client(target, grpc.credentials.createInsecure(), {
    'grpc.default_compression_algorithm': options.gzip ? grpc.compressionAlgorithms.gzip : 0,
    'grpc.max_send_message_length': -1,
  });
  clients.push(client);
  return new Promise((resolve) => {
    (client as unknown as { Export: grpc.requestCallback<Buffer> & ((...a: unknown[]) => void) }).Export(
      body,
      new grpc.Metadata(),
      { deadline: Date.now() + 20_000 },
      (err: grpc.ServiceError | null, response?: Buffer) => {
        client.close();
        if (err === null) {
          resolve({ code: 0, details: '', response });
          return;
        }
        const [raw] = err.metadata?.get('google.rpc.retryinfo-bin') ?? [];
        const [details] = err.metadata?.get('grpc-status-details-bin') ?? [];
        resolve({
          code: err.code,
          details: err.details,
          retryInfoS: raw === undefined ? undefined : retryDelayOf(raw as Buffer),
          statusDetails: details === undefined ? undefined : statusOf(details as Buffer),
        });
      },
    );
  });
}

/** Closes clients a test left open. */
export function closeClients(): void {
  for (const client of clients.splice(0)) client.close();
}

/** The varint and length-delimited fields of a protobuf message, in order (enough for the few messages read here). */
function fieldsOf(bytes: Buffer): { field: number; value: number | Buffer }[] {
  const fields: { field: number; value: number | Buffer }[] = [];
  let pos = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
  };
  while (pos < bytes.length) {
    const tag = varint();
    if ((tag & 7) === 0) fields.push({ field: tag >>> 3, value: varint() });
    else if ((tag & 7) === 2) {
      const length = varint();
      fields.push({ field: tag >>> 3, value: bytes.subarray(pos, pos + length) });
      pos += length;
    } else throw new Error(`unexpected wire type ${tag & 7}`);
  }
  return fields;
}

/** `google.rpc.RetryInfo` { retry_delay (1): Duration { seconds (1), nanos (2) } } in seconds. */
function retryDelayOf(bytes: Buffer): number {
  let seconds = 0;
  for (const { field, value } of fieldsOf(bytes)) {
    if (field !== 1 || !Buffer.isBuffer(value)) throw new Error('RetryInfo: unexpected field');
    for (const part of fieldsOf(value)) seconds += part.field === 1 ? Number(part.value) : Number(part.value) / 1e9;
  }
  return seconds;
}

/** `google.rpc.Status` { code (1), message (2), details (3): Any { type_url (1), value (2) } }. */
function statusOf(bytes: Buffer): { code: number; message: string; retryInfoS?: number } {
  const status: { code: number; message: string; retryInfoS?: number } = { code: 0, message: '' };
  for (const { field, value } of fieldsOf(bytes)) {
    if (field === 1) status.code = Number(value);
    else if (field === 2) status.message = value.toString();
    else if (field === 3 && Buffer.isBuffer(value)) {
      const any = fieldsOf(value);
      const typeUrl = any.find((f) => f.field === 1)?.value.toString();
      const detail = any.find((f) => f.field === 2)?.value;
      if (typeUrl === 'type.googleapis.com/google.rpc.RetryInfo' && Buffer.isBuffer(detail)) {
        status.retryInfoS = retryDelayOf(detail);
      }
    }
  }
  return status;
}
