// Attribute values held to a length and a depth, the same for protobuf and JSON bodies (issue 18,
// items 4 and 5): a value is cut or its too-deep part dropped, and counted in the response's
// partial success; the request is never refused for it. Before: an 8 MB value was stored whole, a
// JSON value 10,000 arrays deep got HTTP 500, 1,000 deep 400, and protobuf refused the whole
// request from 14 arrays deep while JSON took up to 24.
import { OtlpServer } from '@transcriber/otlp-receiver';
import { queryRows } from '../../../test/helpers/sqlite';
import { request } from '../../../test/helpers/otlpHttp';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

// --- a minimal protobuf writer for requests the OTel serializers cannot make (nested AnyValues) ---
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}
const field = (n: number, bytes: Buffer): Buffer =>
  Buffer.concat([Buffer.from([(n << 3) | 2, ...varint(bytes.length)]), bytes]);
const fixed64 = (n: number, value: bigint): Buffer => {
  const b = Buffer.alloc(9);
  b[0] = (n << 3) | 1;
  b.writeBigUInt64LE(value, 1);
  return b;
};
const text = (s: string) => Buffer.from(s, 'utf8');

/** An attribute value: `depth` nested arrays around `inner` (an AnyValue holding a string). */
function protobufValue(depth: number, inner: string): Buffer {
  let value = field(1, text(inner));
  for (let i = 0; i < depth; i++) value = field(5, field(1, value));
  return value;
}
/** The same as JSON text (JSON.stringify itself overflows the stack 10,000 levels deep). */
function jsonValue(depth: number, inner: string): string {
  return `${'{"arrayValue":{"values":['.repeat(depth)}${JSON.stringify({ stringValue: inner })}${']}}'.repeat(depth)}`;
}

let nextSpan = 1;
function span(): { traceId: string; spanId: string; start: bigint } {
  const id = (nextSpan++).toString(16).padStart(16, '0');
  return { traceId: `${id}${id}`, spanId: id, start: BigInt(Date.now()) * 1_000_000n };
}

/** A trace request with one span carrying the attribute `key` = `value` (as protobuf AnyValue bytes). */
function protobufRequest(key: string, value: Buffer): Buffer {
  const s = span();
  const spanBytes = Buffer.concat([
    field(1, Buffer.from(s.traceId, 'hex')),
    field(2, Buffer.from(s.spanId, 'hex')),
    field(5, text('llm')),
    fixed64(7, s.start),
    fixed64(8, s.start + 1_000_000n),
    field(9, Buffer.concat([field(1, text(key)), field(2, value)])),
  ]);
  return field(1, field(2, field(2, spanBytes)));
}
function jsonRequest(key: string, value: string): Buffer {
  const s = span();
  const spanJson = JSON.stringify({
    traceId: s.traceId,
    spanId: s.spanId,
    name: 'llm',
    startTimeUnixNano: String(s.start),
    endTimeUnixNano: String(s.start + 1_000_000n),
    attributes: [{ key, value: 'VALUE' }],
  });
  return Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${spanJson.replace('"VALUE"', value)}]}]}]}`);
}

const ENCODINGS = {
  protobuf: {
    contentType: 'application/x-protobuf',
    body: (key: string, depth: number, inner: string) => protobufRequest(key, protobufValue(depth, inner)),
  },
  json: {
    contentType: 'application/json',
    body: (key: string, depth: number, inner: string) => jsonRequest(key, jsonValue(depth, inner)),
  },
};

/** Sends one span per (key, depth, inner) in `encoding`; returns the answers and the stored attributes by key. */
async function store(encoding: keyof typeof ENCODINGS, values: [key: string, depth: number, inner: string][]) {
  const dataDir = makeTempDir('transcriber-limits-');
  const server = await OtlpServer.start({ dataDir, port: 0 });
  const answers = [];
  try {
    for (const [key, depth, inner] of values) {
      const { contentType, body } = ENCODINGS[encoding];
      answers.push(
        await request(server.url, '/v1/traces', {
          headers: { 'Content-Type': contentType },
          body: body(key, depth, inner),
        }),
      );
    }
  } finally {
    await server.close();
  }
  const stats = server.stats;
  const stored: Record<string, unknown> = {};
  for (const row of queryRows<{ attributes: string }>(dataDir, 'performance_metrics', 'SELECT attributes FROM spans')) {
    Object.assign(stored, JSON.parse(row.attributes));
  }
  return { answers, stats, stored };
}

const nested = (depth: number, inner: unknown): unknown => (depth === 0 ? inner : [nested(depth - 1, inner)]);

describe.each(Object.keys(ENCODINGS) as (keyof typeof ENCODINGS)[])('attribute values sent as %s', (encoding) => {
  it('are cut to 4,096 characters by default, counted, and the span kept', async () => {
    const { answers, stats, stored } = await store(encoding, [
      ['big', 0, 'x'.repeat(8_000_000)],
      ['euros', 0, '€'.repeat(5000)],
      ['k'.repeat(5000), 0, 'short'],
      ['fits', 0, 'y'.repeat(4096)],
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(stored.big).toBe('x'.repeat(4096));
    expect(stored.euros).toBe('€'.repeat(4096));
    expect(stored['k'.repeat(4096)]).toBe('short');
    expect(stored.fits).toBe('y'.repeat(4096));
    expect(stats.spans).toEqual({ accepted: 4, rejected: 0 });
    expect(stats.values).toEqual({ cut: 3, tooDeep: 0 });
  });

  it('keep 16 levels of nesting and drop what lies deeper, counted, whatever the depth', async () => {
    const { answers, stats, stored } = await store(encoding, [
      ['d13', 13, 'deep'],
      ['d16', 16, 'deep'],
      ['d17', 17, 'deep'],
      ['d24', 24, 'deep'],
      ['d10000', 10_000, 'deep'],
    ]);
    expect(answers.map((a) => [a.status, a.status === 200 ? '' : a.body.toString()])).toEqual(Array(5).fill([200, '']));
    expect(stored.d13).toEqual(nested(13, 'deep'));
    expect(stored.d16).toEqual(nested(16, 'deep'));
    for (const key of ['d17', 'd24', 'd10000']) expect(stored[key]).toEqual(nested(16, null));
    expect(stats.spans).toEqual({ accepted: 5, rejected: 0 });
    expect(stats.values).toEqual({ cut: 0, tooDeep: 3 });
    if (encoding === 'json') {
      expect(JSON.parse(answers[4].body.toString())).toEqual({
        partialSuccess: { rejectedSpans: '0', errorMessage: '1 values nested deeper than 16 levels dropped' },
      });
    }
  });
});
