// Log records emitted through the real SDK, serialized by the real OTLP serializers, decoded by ours.
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BENCHMARK_ATTR, EVENT_BENCHMARK_RESULT } from '@transcriber/instrumentation';
import { decodeLogsRequestJson } from '../src/jsonLogs';
import { OtlpDecodeError } from '../src/otlpDecodeError';
import { decodeLogsRequestProtobuf } from '../src/protobufLogs';
import type { ReceivedLogRecord } from '../src/receivedLogRecord';
import { ValueLimits } from '../src/valueLimits';
import { testResource } from '../../../test/helpers/sqliteTelemetry';

const NOW: [number, number] = [1_800_000_000, 0];

function emitRecords(): ReadableLogRecord[] {
  const seen = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: testResource(),
    processors: [new SimpleLogRecordProcessor({ exporter: seen })],
  });
  const logger = provider.getLogger('@transcriber/benchmarks', '0.1.0');
  const span = new BasicTracerProvider().getTracer('t').startSpan('bench');
  logger.emit({
    eventName: EVENT_BENCHMARK_RESULT,
    timestamp: Date.now() - 1000,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: { summary: 'stt benchmark', runs: [1, 2] },
    attributes: { [BENCHMARK_ATTR.NAME]: 'stt-50', [BENCHMARK_ATTR.ITERATIONS]: 50, blob: new Uint8Array([0, 1, 255]) },
    context: trace.setSpan(ROOT_CONTEXT, span),
  });
  logger.emit({ body: 'plain log line', attributes: { 'event.name': 'legacy.event' } });
  return seen.getFinishedLogRecords();
}

function view(record: ReadableLogRecord) {
  return {
    eventName: record.eventName,
    time: record.hrTime,
    observed: record.hrTimeObserved,
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: record.body,
    attributes: record.attributes,
    spanContext:
      record.spanContext === undefined
        ? undefined
        : { traceId: record.spanContext.traceId, spanId: record.spanContext.spanId },
    resource: record.resource.attributes,
    scope: { name: record.instrumentationScope.name, version: record.instrumentationScope.version },
  };
}

describe.each([
  [
    'protobuf',
    (r: ReadableLogRecord[]) => Buffer.from(ProtobufLogsSerializer.serializeRequest(r)!),
    decodeLogsRequestProtobuf,
  ],
  ['json', (r: ReadableLogRecord[]) => Buffer.from(JsonLogsSerializer.serializeRequest(r)!), decodeLogsRequestJson],
] as const)('log requests, %s', (encoding, serialize, decode) => {
  it('give back event name, times, severity, body, attributes (bytes as bytes) and span context', () => {
    const emitted = emitRecords();
    const decoded: ReceivedLogRecord[] = decode(serialize(emitted), NOW, new ValueLimits(4096));
    const expected = emitted.map(view);
    // The older convention: an event name carried in the `event.name` attribute.
    expected[1].eventName = 'legacy.event';
    if (encoding === 'json') {
      // OTLP/JSON carries bytes as base64 text, which this decoder turns back into bytes.
      expect(decoded[0].attributes.blob).toEqual(new Uint8Array([0, 1, 255]));
    }
    expect(decoded.map(view)).toEqual(expected);
  });
});

describe('log record times', () => {
  it('fall back to the observed time, then to now', () => {
    const body = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ observedTimeUnixNano: '1700000000000000001' }, {}] }] }],
    });
    const [observed, none] = decodeLogsRequestJson(Buffer.from(body), NOW, new ValueLimits(4096));
    expect(observed.hrTime).toEqual([1700000000, 1]);
    expect(none.hrTime).toEqual(NOW);
    expect(none.hrTimeObserved).toEqual(NOW);
  });

  it('a cut protobuf body fails with OtlpDecodeError', () => {
    const body = Buffer.from(ProtobufLogsSerializer.serializeRequest(emitRecords())!);
    for (let cut = 1; cut < body.length; cut += 3) {
      expect(() => decodeLogsRequestProtobuf(body.subarray(0, cut), NOW, new ValueLimits(4096))).toThrow(
        OtlpDecodeError,
      );
    }
  });
});
