/** The three OTLP signals, by the last segment of their HTTP path (`/v1/traces` …). */
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

/** The two OTLP/HTTP encodings. A response uses the encoding of its request. */
export type OtlpEncoding = 'protobuf' | 'json';

/** `google.rpc.Code` values used in error replies. */
export const RPC_INVALID_ARGUMENT = 3;
export const RPC_RESOURCE_EXHAUSTED = 8;
export const RPC_UNAVAILABLE = 14;
export const RPC_UNIMPLEMENTED = 12;

/** Field `rejected_<items>` of each signal's `Export…PartialSuccess`, by its JSON name. */
const REJECTED_FIELD: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

/**
 * The body of an `Export{Trace,Metrics,Logs}ServiceResponse`: empty (full success) or with
 * `partial_success` = { rejected count (field 1, int64), error_message (field 2) }.
 */
export function exportResponseBody(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  rejected: number,
  message: string,
): Buffer {
  if (encoding === 'json') {
    if (rejected === 0 && message === '') return Buffer.from('{}');
    // proto3 JSON writes 64-bit integers as strings.
    return Buffer.from(
      JSON.stringify({ partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage: message } }),
    );
  }
  if (rejected === 0 && message === '') return Buffer.alloc(0);
  const partialSuccess = Buffer.concat([
    rejected > 0 ? Buffer.concat([tag(1, 0), varint(rejected)]) : Buffer.alloc(0),
    message === '' ? Buffer.alloc(0) : lengthDelimited(2, Buffer.from(message, 'utf8')),
  ]);
  return lengthDelimited(1, partialSuccess);
}

/** The body of an error reply: a `google.rpc.Status` { code (1), message (2) }. */
export function statusBody(encoding: OtlpEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.concat([tag(1, 0), varint(code), lengthDelimited(2, Buffer.from(message, 'utf8'))]);
}

const RETRY_INFO_TYPE_URL = Buffer.from('type.googleapis.com/google.rpc.RetryInfo');

/**
 * A `google.rpc.RetryInfo` { retry_delay (1): `google.protobuf.Duration` { seconds (1) } }: how long
 * a gRPC sender should wait before sending again (OTLP/gRPC throttling).
 */
export function retryInfo(seconds: number): Buffer {
  return lengthDelimited(1, Buffer.concat([tag(1, 0), varint(seconds)]));
}

/**
 * A `google.rpc.Status` whose details (3) hold one `google.protobuf.Any` { type_url (1), value (2) }
 * with a RetryInfo: the rich status gRPC carries in the `grpc-status-details-bin` trailer.
 */
export function statusWithRetryInfo(code: number, message: string, seconds: number): Buffer {
  const any = Buffer.concat([lengthDelimited(1, RETRY_INFO_TYPE_URL), lengthDelimited(2, retryInfo(seconds))]);
  return Buffer.concat([statusBody('protobuf', code, message), lengthDelimited(3, any)]);
}

function tag(field: number, wireType: number): Buffer {
  return varint((field << 3) | wireType);
}

function lengthDelimited(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([tag(field, 2), varint(bytes.length), bytes]);
}

/** A non-negative integer below 2^53 as a varint. */
function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
