// Spans recorded by the real SDK, serialized by the real OTLP serializers (the code inside
// @opentelemetry/exporter-trace-otlp-proto and -http), decoded by ours: every field the SQLite
// exporter reads must come back as the SDK had it.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { decodeTraceRequestJson } from '../src/jsonTraces';
import { OtlpDecodeError } from '../src/otlpDecodeError';
import { decodeTraceRequestProtobuf } from '../src/protobufTraces';
import type { ReceivedSpan } from '../src/receivedSpan';
import { Rejections } from '../src/rejections';
import { ValueLimits } from '../src/valueLimits';
import { testResource } from '../../../test/helpers/sqliteTelemetry';

const ATTRIBUTES: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.usage.input_tokens': 1234,
  ratio: 0.25,
  streaming: true,
  huge: 2 ** 40,
  negative: -7,
  tags: ['a', 'b'],
  scores: [1.5, 2.5],
  flags: [true, false],
  empty: '',
};

function recordSpans(): ReadableSpan[] {
  const seen = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: testResource({ 'service.name': 'pipecat-bot', 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(seen)],
  });
  const tracer = provider.getTracer('pipecat', '0.0.90');
  const t0 = Date.now() - 5000;
  const root = tracer.startSpan('turn', { startTime: t0, kind: SpanKind.SERVER, attributes: { 'turn.number': 3 } });
  const parent = trace.setSpan(ROOT_CONTEXT, root);
  const kinds = [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
  kinds.forEach((kind, i) => {
    const child = tracer.startSpan(
      `llm-${i}`,
      {
        startTime: t0 + 10 + i,
        kind,
        attributes: ATTRIBUTES,
        links: [{ context: root.spanContext(), attributes: { why: 'follows' } }],
      },
      parent,
    );
    child.addEvent('first_token', { index: i }, t0 + 50 + i);
    child.addEvent('done', undefined, t0 + 60 + i);
    if (i === 1) child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    if (i === 2) child.setStatus({ code: SpanStatusCode.OK });
    child.end(t0 + 100 + i * 7.125);
  });
  root.end(t0 + 400.5);
  return seen.getFinishedSpans();
}

/** The fields SqliteSpanExporter reads, in a comparable form. */
function view(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    context: {
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      traceFlags: span.spanContext().traceFlags,
    },
    parentSpanId: span.parentSpanContext?.spanId,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status.message === undefined ? { code: span.status.code } : span.status,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, time: e.time, attributes: e.attributes ?? {} })),
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      attributes: l.attributes ?? {},
    })),
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version },
    resource: span.resource.attributes,
  };
}

describe.each([
  [
    'protobuf',
    (spans: ReadableSpan[]) => Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
    decodeTraceRequestProtobuf,
  ],
  [
    'json',
    (spans: ReadableSpan[]) => Buffer.from(JsonTraceSerializer.serializeRequest(spans)!),
    decodeTraceRequestJson,
  ],
] as const)('trace requests, %s', (_encoding, serialize, decode) => {
  it('give back every field the SQLite exporter stores, as the SDK recorded it', () => {
    const recorded = recordSpans();
    const rejections = new Rejections();
    const decoded: ReceivedSpan[] = decode(serialize(recorded), rejections, new ValueLimits(4096));
    expect(rejections.count).toBe(0);
    expect(decoded.map(view)).toEqual(recorded.map(view));
    // One Resource object per ResourceSpans: the writer interns it once.
    expect(new Set(decoded.map((s) => s.resource)).size).toBe(1);
  });

  it('count spans with unusable ids or times as rejected, and keep the rest', () => {
    const recorded = recordSpans();
    // Each a copy of a real span with one field spoiled (the original stays its prototype).
    const spoil = (span: ReadableSpan, fields: Record<string, unknown>) =>
      Object.create(
        span,
        Object.fromEntries(Object.entries(fields).map(([k, value]) => [k, { value }])),
      ) as ReadableSpan;
    const broken = [
      spoil(recorded[0], { spanContext: () => ({ ...recorded[0].spanContext(), traceId: '0'.repeat(32) }) }),
      spoil(recorded[1], { endTime: [recorded[1].startTime[0] - 1, 0] }),
      spoil(recorded[2], { startTime: [0, 0], endTime: [0, 0] }),
      recorded[3],
    ];
    const rejections = new Rejections();
    const decoded = decode(serialize(broken), rejections, new ValueLimits(4096));
    expect(decoded.map((s) => s.name)).toEqual([recorded[3].name]);
    expect(rejections.count).toBe(3);
    expect(rejections.message('spans')).toBe(
      '3 spans rejected: trace_id is not 16 bytes or is all zeros (1); end_time_unix_nano is before start_time_unix_nano (1); start_time_unix_nano is missing (1)',
    );
  });
});

describe('malformed trace requests', () => {
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(recordSpans())!);

  it('a protobuf body cut short fails with the place it broke, for every cut', () => {
    for (let cut = 1; cut < body.length; cut += 7) {
      expect(() => decodeTraceRequestProtobuf(body.subarray(0, cut), new Rejections(), new ValueLimits(4096))).toThrow(
        OtlpDecodeError,
      );
    }
  });

  it('random bytes fail cleanly (or decode to nothing), never with another error', () => {
    for (let i = 0; i < 300; i++) {
      const noise = Buffer.from(
        Array.from({ length: 1 + Math.floor(Math.random() * 200) }, () => Math.floor(Math.random() * 256)),
      );
      try {
        decodeTraceRequestProtobuf(noise, new Rejections(), new ValueLimits(4096));
      } catch (err) {
        expect(err).toBeInstanceOf(OtlpDecodeError);
      }
    }
  });

  it('the pre-2022 instrumentation_library_spans layout is refused with the reason', () => {
    // ExportTraceServiceRequest { resource_spans { instrumentation_library_spans (1000) {} } }
    const legacy = Buffer.from([0x0a, 0x03, 0xc2, 0x3e, 0x00]);
    expect(() => decodeTraceRequestProtobuf(legacy, new Rejections(), new ValueLimits(4096))).toThrow(
      /instrumentation_library_spans .* not supported/,
    );
  });

  it('a known field with the wrong wire type is refused', () => {
    // resource_spans (field 1) sent as a varint.
    expect(() =>
      decodeTraceRequestProtobuf(Buffer.from([0x08, 0x01]), new Rejections(), new ValueLimits(4096)),
    ).toThrow(/ExportTraceServiceRequest: field 1 has the wrong wire type \(0\)/);
  });

  it('JSON errors name the path to the bad field', () => {
    const json = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(recordSpans())!));
    json.resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano = 'yesterday';
    expect(() =>
      decodeTraceRequestJson(Buffer.from(JSON.stringify(json)), new Rejections(), new ValueLimits(4096)),
    ).toThrow('resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano: "yesterday" is not a count of nanoseconds');
    json.resourceSpans[0].scopeSpans[0].spans[2].startTimeUnixNano = '1';
    json.resourceSpans[0].scopeSpans[0].spans[1].attributes = { not: 'a list' };
    expect(() =>
      decodeTraceRequestJson(Buffer.from(JSON.stringify(json)), new Rejections(), new ValueLimits(4096)),
    ).toThrow(/^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]\.attributes: expected an array/);
    expect(() =>
      decodeTraceRequestJson(Buffer.from('{"resourceSpans": ['), new Rejections(), new ValueLimits(4096)),
    ).toThrow(/body is not valid JSON/);
    expect(() => decodeTraceRequestJson(Buffer.from('[1]'), new Rejections(), new ValueLimits(4096))).toThrow(
      /request: expected an object/,
    );
    expect(() =>
      decodeTraceRequestJson(
        Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}'),
        new Rejections(),
      ),
    ).toThrow(/spans\[0\]\.traceId: "xyz" is not a hex id/);
  });

  it('JSON accepts the proto field names and enum names too, as proto3 JSON parsers do', () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const body = JSON.stringify({
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                {
                  trace_id: traceId.toUpperCase(),
                  span_id: 'EEE19B7EC3C1B174',
                  name: 'llm_node',
                  kind: 'SPAN_KIND_CLIENT',
                  start_time_unix_nano: '1700000000000000000',
                  // A JSON number this large is a double: this one is exact (a multiple of 256).
                  end_time_unix_nano: 1700000000250000128,
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                  attributes: [
                    { key: 'n', value: { int_value: '9007199254740993' } },
                    { key: 'b', value: { bytesValue: 'AAEC' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const [span] = decodeTraceRequestJson(Buffer.from(body), new Rejections(), new ValueLimits(4096));
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.spanContext().spanId).toBe('eee19b7ec3c1b174');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(span.startTime).toEqual([1700000000, 0]);
    expect(span.endTime).toEqual([1700000000, 250000128]);
    expect(span.attributes).toEqual({ n: '9007199254740993', b: 'AAEC' });
  });

  it('a "__proto__" attribute key stays an ordinary attribute', () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                  attributes: [
                    {
                      key: '__proto__',
                      value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const [span] = decodeTraceRequestJson(Buffer.from(body), new Rejections(), new ValueLimits(4096));
    expect(Object.getPrototypeOf(span.attributes)).toBe(Object.prototype);
    expect(JSON.stringify(span.attributes)).toBe('{"__proto__":{"polluted":true}}');
  });
});
