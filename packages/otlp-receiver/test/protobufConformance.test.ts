// The protobuf decoder held to an encoder we did not write: random OTLP messages encoded by protobufjs
// static code generated from the official opentelemetry-proto files (generated/otlp.js, built by
// `npm run build`) must decode to exactly what was encoded: every field of every span, 64-bit
// integers beyond 2^53, non-ASCII strings, unknown fields at every level skipped, packed and
// unpacked repeated fields alike, AnyValues nested deeper than MAX_VALUE_DEPTH dropped and counted
// (never the request refused), strings cut to the length limit.
//
// The tests run against the decoder the receiver uses (decodeTraceRequestProtobuf); with
// TRANSCRIBER_TEST_DECODER=protobufjs they run against the protobufjs-based one instead (see
// docs/performance.md, "The protobuf decoder against protobufjs", for what each passes).
import Long from 'long';
import * as protobuf from 'protobufjs/minimal';
import { opentelemetry } from '../generated/otlp';
import { decodeMetricsRequestProtobuf } from '../src/protobufMetrics';
import { decodeTraceRequestProtobuf } from '../src/protobufTraces';
import { Rejections } from '../src/rejections';
import { MAX_VALUE_DEPTH, ValueLimits } from '../src/valueLimits';
import { decodeTraceRequestProtobufjs } from './support/protobufjsTraces';

const otlp = opentelemetry.proto;
type IAnyValue = opentelemetry.proto.common.v1.IAnyValue;
type IKeyValue = opentelemetry.proto.common.v1.IKeyValue;
type ISpan = opentelemetry.proto.trace.v1.ISpan;

const decoders = { 'hand-written': decodeTraceRequestProtobuf, protobufjs: decodeTraceRequestProtobufjs };
const decoderName = (process.env.TRANSCRIBER_TEST_DECODER ?? 'hand-written') as keyof typeof decoders;
const decodeTraces = decoders[decoderName];

/** A small seeded generator (mulberry32): the same messages every run. */
function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const bytes = (length: number) => {
    const b = new Uint8Array(length);
    for (let i = 0; i < length; i++) b[i] = int(256);
    b[0] |= 1; // never all zeros
    return b;
  };
  const WORDS = ['stt', 'llm.generate', 'ünïcödé', '语音', '🎙️ turn', 'gen_ai.usage.input_tokens', '', 'x'.repeat(60)];
  const text = () => (int(8) === 0 ? `${pick(WORDS)}-${int(1e6)}` : pick(WORDS));
  return { next, int, pick, bytes, text };
}
type Random = ReturnType<typeof randomSource>;

/** A 64-bit value from its halves, as protobufjs writes it. */
const long = (low: number, high: number) => new Long(low | 0, high | 0, true);
const signedLong = (low: number, high: number) => new Long(low | 0, high | 0, false);

function randomValue(rng: Random, depth: number, maxDepth: number): IAnyValue {
  const kind = depth < maxDepth ? rng.int(7) : rng.int(5);
  switch (kind) {
    case 0:
      return { stringValue: rng.text() };
    case 1:
      return { boolValue: rng.int(2) === 1 };
    case 2: {
      // Small, negative, and beyond 2^53 (decoded as a decimal string).
      const choice = rng.int(3);
      if (choice === 0) return { intValue: signedLong(rng.int(1e6), 0) };
      if (choice === 1) return { intValue: signedLong(-rng.int(1e6) - 1, -1) };
      return { intValue: signedLong(rng.int(2 ** 31), 0x200000 + rng.int(2 ** 20)) };
    }
    case 3:
      return { doubleValue: rng.next() * 1000 - 500 };
    case 4:
      return { bytesValue: rng.bytes(1 + rng.int(12)) };
    case 5:
      return {
        arrayValue: { values: Array.from({ length: 1 + rng.int(3) }, () => randomValue(rng, depth + 1, maxDepth)) },
      };
    default:
      return { kvlistValue: { values: randomPairs(rng, 1 + rng.int(3), depth + 1, maxDepth) } };
  }
}

function randomPairs(rng: Random, count: number, depth: number, maxDepth: number): IKeyValue[] {
  // Distinct keys: a repeated key keeps its last value, which the expectation below does not model.
  return Array.from({ length: count }, (_, i) => ({
    key: `${rng.text()}#${i}`,
    value: randomValue(rng, depth, maxDepth),
  }));
}

/** A value nested exactly `levels` arrays or key-value lists deep. */
function nestedValue(rng: Random, levels: number): IAnyValue {
  let value: IAnyValue = { stringValue: rng.text() };
  for (let i = 0; i < levels; i++) {
    value =
      rng.int(2) === 0
        ? { arrayValue: { values: [value, { boolValue: true }] } }
        : { kvlistValue: { values: [{ key: `k${i}`, value }] } };
  }
  return value;
}

function randomSpan(rng: Random, maxDepth: number): ISpan {
  const start = { low: rng.int(2 ** 32), high: 0x17a2b3c4 + rng.int(1000) }; // ~2026 in Unix ns
  const end = { low: start.low, high: start.high + rng.int(4) };
  return {
    traceId: rng.bytes(16),
    spanId: rng.bytes(8),
    parentSpanId: rng.int(2) === 0 ? new Uint8Array(0) : rng.bytes(8),
    name: rng.text() || 'span',
    kind: rng.int(6),
    startTimeUnixNano: long(start.low, start.high),
    endTimeUnixNano: long(end.low, end.high),
    attributes: randomPairs(rng, rng.int(6), 0, maxDepth),
    droppedAttributesCount: rng.int(3),
    events: Array.from({ length: rng.int(3) }, () => ({
      timeUnixNano: long(start.low + 1, start.high),
      name: rng.text(),
      attributes: randomPairs(rng, rng.int(3), 0, maxDepth),
      droppedAttributesCount: rng.int(2),
    })),
    droppedEventsCount: rng.int(2),
    links: Array.from({ length: rng.int(2) }, () => ({
      traceId: rng.bytes(16),
      spanId: rng.bytes(8),
      attributes: randomPairs(rng, rng.int(2), 0, maxDepth),
      droppedAttributesCount: rng.int(2),
      flags: rng.int(512),
    })),
    droppedLinksCount: rng.int(2),
    status: { code: rng.int(3), message: rng.int(2) === 0 ? '' : rng.text() },
    flags: rng.int(512),
  };
}

interface RandomRequest {
  resourceSpans: {
    resource: { attributes: IKeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: ISpan[] }[];
  }[];
}

function randomRequest(rng: Random, maxDepth = 4): RandomRequest {
  return {
    resourceSpans: Array.from({ length: 1 + rng.int(2) }, () => ({
      resource: { attributes: randomPairs(rng, 1 + rng.int(3), 0, maxDepth) },
      scopeSpans: Array.from({ length: 1 + rng.int(2) }, () => ({
        scope: { name: rng.text(), version: rng.int(2) === 0 ? '' : '1.2.3' },
        spans: Array.from({ length: 1 + rng.int(4) }, () => randomSpan(rng, maxDepth)),
      })),
    })),
  };
}

// --- what a span should decode to -----------------------------------------------------------------

const hex = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('hex');

function expectedValue(
  v: IAnyValue,
  limits: { maxLength: number },
  depth: number,
  counts: { tooDeep: number },
): unknown {
  if (v.stringValue != null) return v.stringValue.slice(0, limits.maxLength);
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) {
    const value = BigInt((v.intValue as Long).toString());
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (v.doubleValue != null) return v.doubleValue;
  // Bytes are stored as base64: those whose base64 fits the limit are kept.
  if (v.bytesValue != null)
    return Buffer.from(v.bytesValue.subarray(0, Math.floor(limits.maxLength / 4) * 3)).toString('base64');
  if (v.arrayValue != null || v.kvlistValue != null) {
    if (depth >= MAX_VALUE_DEPTH) {
      counts.tooDeep++;
      return undefined;
    }
    if (v.arrayValue != null)
      return v.arrayValue.values!.map((item) => expectedValue(item, limits, depth + 1, counts) ?? null);
    return expectedAttributes(v.kvlistValue!.values!, limits, depth + 1, counts);
  }
  return undefined;
}

function expectedAttributes(
  pairs: IKeyValue[],
  limits: { maxLength: number },
  depth: number,
  counts: { tooDeep: number },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const value = expectedValue(pair.value!, limits, depth, counts);
    if (value !== undefined) out[pair.key!.slice(0, limits.maxLength)] = value;
  }
  return out;
}

function hrTime(l: Long): [number, number] {
  const ns = BigInt(l.toString());
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

function expectedSpans(request: RandomRequest, maxLength = 4096) {
  const counts = { tooDeep: 0 };
  const limits = { maxLength };
  const spans = request.resourceSpans.flatMap((rs) => {
    // Read once per ResourceSpans, shared by its spans.
    const resource = expectedAttributes(rs.resource.attributes, limits, 0, counts);
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        resource,
        scope:
          ss.scope.version === ''
            ? { name: ss.scope.name.slice(0, maxLength) }
            : { name: ss.scope.name.slice(0, maxLength), version: ss.scope.version.slice(0, maxLength) },
        traceId: hex(s.traceId),
        spanId: hex(s.spanId),
        parentSpanId: s.parentSpanId!.length === 0 ? undefined : hex(s.parentSpanId),
        name: s.name!.slice(0, maxLength),
        kind: s.kind! >= 2 ? s.kind! - 1 : 0,
        startTime: hrTime(s.startTimeUnixNano as Long),
        endTime: hrTime(s.endTimeUnixNano as Long),
        attributes: expectedAttributes(s.attributes!, limits, 0, counts),
        droppedAttributesCount: s.droppedAttributesCount,
        events: s.events!.map((e) => ({
          time: hrTime(e.timeUnixNano as Long),
          name: e.name!.slice(0, maxLength),
          attributes: e.attributes!.length === 0 ? undefined : expectedAttributes(e.attributes!, limits, 0, counts),
          droppedAttributesCount: e.droppedAttributesCount,
        })),
        droppedEventsCount: s.droppedEventsCount,
        links: s.links!.map((l) => ({
          context: { traceId: hex(l.traceId), spanId: hex(l.spanId), traceFlags: l.flags! & 0xff },
          attributes: l.attributes!.length === 0 ? undefined : expectedAttributes(l.attributes!, limits, 0, counts),
          droppedAttributesCount: l.droppedAttributesCount,
        })),
        droppedLinksCount: s.droppedLinksCount,
        status:
          s.status!.message === ''
            ? { code: s.status!.code }
            : { code: s.status!.code, message: s.status!.message!.slice(0, maxLength) },
        traceFlags: s.flags! & 0xff,
      })),
    );
  });
  return { spans, tooDeep: counts.tooDeep };
}

function decode(body: Uint8Array, maxLength = 4096) {
  const rejections = new Rejections();
  const limits = new ValueLimits(maxLength);
  const spans = decodeTraces(Buffer.from(body), rejections, limits).map((s) => ({
    resource: { ...s.resource.attributes },
    scope: { ...s.instrumentationScope },
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    name: s.name,
    kind: s.kind,
    startTime: s.startTime,
    endTime: s.endTime,
    attributes: s.attributes,
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events,
    droppedEventsCount: s.droppedEventsCount,
    links: s.links,
    droppedLinksCount: s.droppedLinksCount,
    status: s.status,
    traceFlags: s.traceFlags,
  }));
  return { spans, rejected: rejections.count, tooDeep: limits.tooDeep, cut: limits.cut };
}

const encodeTraces = (request: RandomRequest) =>
  otlp.collector.trace.v1.ExportTraceServiceRequest.encode(request as never).finish();

// --- unknown fields ---------------------------------------------------------------------------------

/** Unknown fields of every wire type, at numbers no OTLP message uses. */
function writeUnknown(w: protobuf.Writer, rng: Random): void {
  w.uint32((900 << 3) | 0).uint64(long(rng.int(2 ** 32), rng.int(2 ** 20)));
  w.uint32((901 << 3) | 1).fixed64(long(rng.int(2 ** 32), 7));
  w.uint32((902 << 3) | 2).bytes(rng.bytes(1 + rng.int(20)));
  w.uint32((903 << 3) | 5).fixed32(rng.int(2 ** 32));
  // A nested message the decoder has never heard of.
  w.uint32((904 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string('unknown')
    .ldelim();
}

/** The request encoded by protobufjs, with unknown fields written into every message it wraps. */
function encodeWithUnknownFields(request: RandomRequest, rng: Random): Uint8Array {
  const { Resource } = otlp.resource.v1;
  const { InstrumentationScope } = otlp.common.v1;
  const { Span } = otlp.trace.v1;
  const w = protobuf.Writer.create();
  writeUnknown(w, rng);
  for (const rs of request.resourceSpans) {
    w.uint32((1 << 3) | 2).fork();
    writeUnknown(w, rng);
    Resource.encode(rs.resource, w.uint32((1 << 3) | 2).fork());
    writeUnknown(w, rng);
    w.ldelim();
    for (const ss of rs.scopeSpans) {
      w.uint32((2 << 3) | 2).fork();
      InstrumentationScope.encode(ss.scope, w.uint32((1 << 3) | 2).fork());
      writeUnknown(w, rng);
      w.ldelim();
      for (const span of ss.spans) {
        Span.encode(span, w.uint32((2 << 3) | 2).fork());
        writeUnknown(w, rng);
        w.ldelim();
      }
      writeUnknown(w, rng);
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}

describe(`the ${decoderName} protobuf decoder against protobufjs's encoder`, () => {
  it('decodes 300 random trace requests to exactly what was encoded', () => {
    const rng = randomSource(16);
    for (let i = 0; i < 300; i++) {
      const request = randomRequest(rng);
      const expected = expectedSpans(request);
      const decoded = decode(encodeTraces(request));
      expect(decoded.spans).toEqual(expected.spans);
      expect(decoded.rejected).toBe(0);
      expect(decoded.tooDeep).toBe(0);
    }
  });

  it('skips unknown fields of every wire type in every message', () => {
    const rng = randomSource(17);
    for (let i = 0; i < 100; i++) {
      const request = randomRequest(rng);
      const body = encodeWithUnknownFields(request, rng);
      // protobufjs reads the same bytes to the same message: the unknown fields are well formed.
      const again = otlp.collector.trace.v1.ExportTraceServiceRequest.decode(body);
      expect(
        again.resourceSpans.flatMap((r) =>
          (r.scopeSpans ?? []).flatMap((s) => (s.spans ?? []).map((x) => hex(x.spanId))),
        ),
      ).toEqual(expectedSpans(request).spans.map((s) => s.spanId));
      expect(decode(body).spans).toEqual(expectedSpans(request).spans);
    }
  });

  it(`drops AnyValues nested deeper than ${MAX_VALUE_DEPTH} levels, counts them, and keeps the span`, () => {
    const rng = randomSource(18);
    let dropped = 0;
    for (let i = 0; i < 60; i++) {
      const request = randomRequest(rng, 6);
      // Around the limit: 14 to 20 levels deep, in span attributes and in a resource's.
      for (const rs of request.resourceSpans) {
        rs.resource.attributes.push({ key: 'resource.deep', value: nestedValue(rng, 14 + rng.int(7)) });
        for (const span of rs.scopeSpans.flatMap((ss) => ss.spans)) {
          span.attributes!.push({ key: 'deep', value: nestedValue(rng, 14 + rng.int(7)) });
        }
      }
      const expected = expectedSpans(request);
      const decoded = decode(encodeTraces(request));
      expect(decoded.spans).toEqual(expected.spans);
      expect(decoded.tooDeep).toBe(expected.tooDeep);
      dropped += decoded.tooDeep;
    }
    expect(dropped).toBeGreaterThan(0);
  });

  it('keeps a span whose attribute nests 10,000 arrays deep, without the too-deep part', () => {
    // Written by hand: protobufjs's encoder (like its decoder) stops at 100 levels of nesting.
    let deep: Uint8Array = otlp.common.v1.AnyValue.encode({ stringValue: 'bottom' }).finish();
    for (let i = 0; i < 10_000; i++) {
      const list = protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .bytes(deep)
        .finish(); // ArrayValue.values
      deep = protobuf.Writer.create()
        .uint32((5 << 3) | 2)
        .bytes(list)
        .finish(); // AnyValue.array_value
    }
    const keyValue = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string('deep')
      .uint32((2 << 3) | 2)
      .bytes(deep)
      .finish();
    const rng = randomSource(19);
    const span = { ...randomSpan(rng, 0), attributes: [{ key: 'flat', value: { stringValue: 'kept' } }] };
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 2)
      .fork(); // ResourceSpans, ScopeSpans
    otlp.trace.v1.Span.encode(span, w.uint32((2 << 3) | 2).fork());
    w.uint32((9 << 3) | 2).bytes(keyValue); // one more attribute, after the others
    w.ldelim().ldelim().ldelim();

    const decoded = decode(w.finish());
    expect(decoded.spans).toHaveLength(1);
    expect(decoded.tooDeep).toBe(1);
    let kept = decoded.spans[0].attributes.deep as unknown;
    for (let level = 0; level < MAX_VALUE_DEPTH; level++) kept = (kept as unknown[])[0];
    expect(kept).toBeNull();
    expect(decoded.spans[0].attributes.flat).toBe('kept');
  });

  it('cuts strings to the length limit, counting each cut', () => {
    const rng = randomSource(20);
    for (let i = 0; i < 50; i++) {
      const request = randomRequest(rng);
      const decoded = decode(encodeTraces(request), 5);
      expect(decoded.spans).toEqual(expectedSpans(request, 5).spans);
      expect(decoded.cut).toBeGreaterThan(0);
    }
  });
});

describe('packed and unpacked repeated fields (metrics, the decoder the receiver uses)', () => {
  const { HistogramDataPoint } = otlp.metrics.v1;

  /** A request with one cumulative histogram whose point is `point` (already encoded). */
  function histogramRequest(point: Uint8Array): Buffer {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork(); // ResourceMetrics
    w.uint32((2 << 3) | 2).fork(); // ScopeMetrics
    w.uint32((2 << 3) | 2).fork(); // Metric
    w.uint32((1 << 3) | 2).string('latency');
    w.uint32((9 << 3) | 2).fork(); // Histogram
    w.uint32((1 << 3) | 2).bytes(point);
    w.uint32((2 << 3) | 0).uint32(1); // delta temporality
    w.ldelim().ldelim().ldelim().ldelim();
    return Buffer.from(w.finish());
  }

  it('reads bucket counts and bounds the same whether packed (protobufjs) or one field per value', () => {
    const rng = randomSource(21);
    for (let i = 0; i < 50; i++) {
      const bounds = Array.from({ length: 1 + rng.int(8) }, (_, k) => k * 10 + rng.next());
      const counts = [...bounds, 0].map(() => rng.int(1000));
      const time = long(rng.int(2 ** 32), 0x17a2b3c4);
      const point = {
        startTimeUnixNano: long(time.low, time.high - 1),
        timeUnixNano: time,
        count: long(
          counts.reduce((a, b) => a + b, 0),
          0,
        ),
        sum: rng.next() * 100,
        bucketCounts: counts.map((c) => long(c, 0)),
        explicitBounds: bounds,
      };
      const packed = HistogramDataPoint.encode(point).finish();
      // The same point with each count and bound in a field of its own (proto2 style, still valid).
      const w = protobuf.Writer.create();
      HistogramDataPoint.encode({ ...point, bucketCounts: [], explicitBounds: [] }, w);
      for (const c of counts) w.uint32((6 << 3) | 1).fixed64(long(c, 0));
      for (const b of bounds) w.uint32((7 << 3) | 1).double(b);
      const unpacked = w.finish();
      expect(HistogramDataPoint.decode(unpacked).bucketCounts.map(Number)).toEqual(counts);

      const read = (body: Buffer) => {
        const decoded = decodeMetricsRequestProtobuf(body, new Rejections(), new ValueLimits(4096));
        return decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].dataPoints[0].value as {
          buckets: { boundaries: number[]; counts: number[] };
        };
      };
      expect(read(histogramRequest(packed)).buckets).toEqual({ boundaries: bounds, counts });
      expect(read(histogramRequest(unpacked)).buckets).toEqual({ boundaries: bounds, counts });
    }
  });
});
