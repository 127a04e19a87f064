import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';

/** What an OTLP export carried, the same whether it came as protobuf or JSON. */
export interface ReceivedSpan {
  name: string;
  scope: string;
  attributes: Record<string, unknown>;
}
export interface ReceivedLogRecord {
  eventName: string;
  attributes: Record<string, unknown>;
}
export interface Received {
  contentTypes: Set<string>;
  /** The `x-api-key` header of each request, if it had one. */
  apiKeys: Set<string | undefined>;
  resourceAttributes: Record<string, unknown>[];
  spans: ReceivedSpan[];
  metricNames: Set<string>;
  logRecords: ReceivedLogRecord[];
}

export interface OtlpReceiver {
  endpoint: string;
  received: Received;
  close(): Promise<void>;
}

/**
 * A minimal OTLP/HTTP receiver on 127.0.0.1 (`/v1/traces`, `/v1/metrics`, `/v1/logs`) that decodes
 * what it gets — `application/x-protobuf` with a wire-format reader and the OTLP schema's field
 * numbers, `application/json` as OTLP JSON — and answers 200 with an empty response.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: Received = {
    contentTypes: new Set(),
    apiKeys: new Set(),
    resourceAttributes: [],
    spans: [],
    metricNames: new Set(),
    logRecords: [],
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      const type = String(req.headers['content-type']);
      received.contentTypes.add(type);
      received.apiKeys.add(req.headers['x-api-key'] as string | undefined);
      const signal = req.url?.replace(/^\/v1\//, '');
      const message = type.includes('json')
        ? JSON.parse(body.toString('utf8'))
        : decodeProtobuf(body, REQUESTS[signal!]);
      collect(signal!, message, received);
      res.writeHead(200, { 'content-type': type });
      res.end(type.includes('json') ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// --- the OTLP messages, as OTLP JSON names them ------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded OTLP documents are walked freely */
function collect(signal: string, request: any, received: Received): void {
  const resources = request.resourceSpans ?? request.resourceMetrics ?? request.resourceLogs ?? [];
  for (const resource of resources) {
    received.resourceAttributes.push(attributesOf(resource.resource?.attributes));
    if (signal === 'traces') {
      for (const scoped of resource.scopeSpans ?? [])
        for (const span of scoped.spans ?? [])
          received.spans.push({
            name: span.name,
            scope: scoped.scope?.name,
            attributes: attributesOf(span.attributes),
          });
    } else if (signal === 'metrics') {
      for (const scoped of resource.scopeMetrics ?? [])
        for (const metric of scoped.metrics ?? []) received.metricNames.add(metric.name);
    } else if (signal === 'logs') {
      for (const scoped of resource.scopeLogs ?? [])
        for (const record of scoped.logRecords ?? [])
          received.logRecords.push({ eventName: record.eventName, attributes: attributesOf(record.attributes) });
    }
  }
}

function attributesOf(list: any[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    out[key] =
      value?.stringValue ??
      value?.boolValue ??
      (value?.intValue !== undefined ? Number(value.intValue) : value?.doubleValue);
  }
  return out;
}

// --- protobuf wire format ------------------------------------------------------------------------

type FieldType = 'string' | 'varint' | 'double' | Schema;
interface Schema {
  [fieldNumber: number]: [name: string, type: FieldType, repeated?: 'repeated'];
}

const ANY_VALUE: Schema = {
  1: ['stringValue', 'string'],
  2: ['boolValue', 'varint'],
  3: ['intValue', 'varint'],
  4: ['doubleValue', 'double'],
};
const KEY_VALUE: Schema = { 1: ['key', 'string'], 2: ['value', ANY_VALUE] };
const RESOURCE: Schema = { 1: ['attributes', KEY_VALUE, 'repeated'] };
const SCOPE: Schema = { 1: ['name', 'string'], 2: ['version', 'string'] };
const SPAN: Schema = { 5: ['name', 'string'], 9: ['attributes', KEY_VALUE, 'repeated'] };
const METRIC: Schema = { 1: ['name', 'string'] };
const LOG_RECORD: Schema = { 6: ['attributes', KEY_VALUE, 'repeated'], 12: ['eventName', 'string'] };
const REQUESTS: Record<string, Schema> = {
  traces: {
    1: [
      'resourceSpans',
      {
        1: ['resource', RESOURCE],
        2: ['scopeSpans', { 1: ['scope', SCOPE], 2: ['spans', SPAN, 'repeated'] }, 'repeated'],
      },
      'repeated',
    ],
  },
  metrics: {
    1: [
      'resourceMetrics',
      {
        1: ['resource', RESOURCE],
        2: ['scopeMetrics', { 1: ['scope', SCOPE], 2: ['metrics', METRIC, 'repeated'] }, 'repeated'],
      },
      'repeated',
    ],
  },
  logs: {
    1: [
      'resourceLogs',
      {
        1: ['resource', RESOURCE],
        2: ['scopeLogs', { 1: ['scope', SCOPE], 2: ['logRecords', LOG_RECORD, 'repeated'] }, 'repeated'],
      },
      'repeated',
    ],
  },
};

/** Decodes the fields `schema` names; skips the others by their wire type. */
function decodeProtobuf(bytes: Uint8Array, schema: Schema): any {
  const out: any = {};
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
  };
  while (pos < bytes.length) {
    const tag = varint();
    const field = schema[Math.floor(tag / 8)];
    const wireType = tag & 7;
    let value: unknown;
    if (wireType === 0) value = varint();
    else if (wireType === 1) {
      value = Buffer.from(bytes.buffer, bytes.byteOffset + pos, 8).readDoubleLE(0);
      pos += 8;
    } else if (wireType === 2) {
      const length = varint();
      const slice = bytes.subarray(pos, pos + length);
      pos += length;
      value =
        field === undefined
          ? undefined
          : field[1] === 'string'
            ? Buffer.from(slice).toString('utf8')
            : typeof field[1] === 'object'
              ? decodeProtobuf(slice, field[1])
              : slice;
    } else if (wireType === 5) pos += 4;
    else throw new Error(`unexpected wire type ${wireType}`);
    if (field === undefined) continue;
    const [name, , repeated] = field;
    if (repeated) (out[name] ??= []).push(value);
    else out[name] = value;
  }
  return out;
}
