// Metrics collected by the real SDK (both temporalities, every instrument kind), serialized by the
// real OTLP serializers, decoded by ours.
import type { HrTime } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { decodeMetricsRequestJson } from '../src/jsonMetrics';
import { OtlpDecodeError } from '../src/otlpDecodeError';
import { decodeMetricsRequestProtobuf, type DecodedMetrics } from '../src/protobufMetrics';
import { Rejections } from '../src/rejections';
import { ValueLimits } from '../src/valueLimits';
import { testResource } from '../../../test/helpers/sqliteTelemetry';

class ManualReader extends MetricReader {
  protected async onShutdown() {}
  protected async onForceFlush() {}
}

async function collect(temporality: AggregationTemporality): Promise<ResourceMetrics> {
  const reader = new ManualReader({ aggregationTemporalitySelector: () => temporality });
  const provider = new MeterProvider({
    resource: testResource({ 'service.name': 'livekit-agent' }),
    readers: [reader],
    views: [{ instrumentName: 'tts.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('livekit-agents', '1.2.3');
  const attrs = { 'transcriber.component': 'tts', 'transcriber.operation': 'synthesize' };
  meter.createCounter('tts.characters', { unit: '{char}', description: 'characters sent' }).add(42, attrs);
  meter.createUpDownCounter('sessions.active').add(-3, { region: 'eu' });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 0.5, 1] },
  });
  duration.record(0.3, attrs);
  duration.record(0.7, attrs);
  const exp = meter.createHistogram('tts.exp');
  for (const v of [0.01, 0.2, 0.2, 3, 40]) exp.record(v, attrs);
  meter.createObservableGauge('process.memory.usage', { unit: 'By' }).addCallback((r) => r.observe(123456789, {}));
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  await provider.shutdown();
  return resourceMetrics;
}

/** What SqliteMetricExporter reads of each point. */
function view(metrics: ResourceMetrics) {
  return {
    resource: metrics.resource.attributes,
    scopes: metrics.scopeMetrics.map((scope) => ({
      scope: { name: scope.scope.name, version: scope.scope.version },
      metrics: scope.metrics.map((m) => ({
        name: m.descriptor.name,
        unit: m.descriptor.unit,
        description: m.descriptor.description,
        type: m.dataPointType,
        temporality: m.dataPointType === DataPointType.GAUGE ? 'n/a' : m.aggregationTemporality,
        monotonic: m.dataPointType === DataPointType.SUM ? m.isMonotonic : undefined,
        points: m.dataPoints.map((p) => ({
          start: p.startTime,
          end: p.endTime,
          attributes: p.attributes,
          value: p.value,
        })),
      })),
    })),
  };
}

const protobuf = (m: ResourceMetrics) => Buffer.from(ProtobufMetricsSerializer.serializeRequest(m)!);
const json = (m: ResourceMetrics) => Buffer.from(JsonMetricsSerializer.serializeRequest(m)!);

describe.each([
  ['protobuf', protobuf, decodeMetricsRequestProtobuf],
  ['json', json, decodeMetricsRequestJson],
] as const)('metric requests, %s', (_encoding, serialize, decode) => {
  it.each([AggregationTemporality.DELTA, AggregationTemporality.CUMULATIVE])(
    'give back every instrument kind as the SDK collected it (temporality %s)',
    async (temporality) => {
      const collected = await collect(temporality);
      const rejections = new Rejections();
      const decoded: DecodedMetrics = decode(serialize(collected), rejections, new ValueLimits(4096));
      expect(rejections.count).toBe(0);
      expect(decoded.resourceMetrics.map(view)).toEqual([view(collected)]);
      const types = decoded.resourceMetrics[0].scopeMetrics[0].metrics.map((m) => m.dataPointType);
      expect(new Set(types)).toEqual(
        new Set([DataPointType.SUM, DataPointType.HISTOGRAM, DataPointType.EXPONENTIAL_HISTOGRAM, DataPointType.GAUGE]),
      );
      expect(decoded.points).toBe(5);
    },
  );
});

describe('metric points that cannot be stored', () => {
  const point = (extra: object) => ({
    timeUnixNano: '1700000000000000000',
    startTimeUnixNano: '1690000000000000000',
    ...extra,
  });
  const request = (...metrics: object[]) =>
    Buffer.from(JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics }] }] }));

  it('summaries, unspecified temporality, inconsistent buckets and nameless metrics are rejected by reason', () => {
    const rejections = new Rejections();
    const decoded = decodeMetricsRequestJson(
      request(
        { name: 'rpc.latency', summary: { dataPoints: [point({ count: '3', sum: 1.5 }), point({ count: '1' })] } },
        { name: 'requests', sum: { dataPoints: [point({ asInt: '5' })] } },
        {
          name: 'lat',
          histogram: {
            aggregationTemporality: 1,
            dataPoints: [
              point({ count: '2', bucketCounts: ['1', '1'], explicitBounds: [1, 2] }),
              point({ count: '1', bucketCounts: ['1'], explicitBounds: [] }),
            ],
          },
        },
        { gauge: { dataPoints: [point({ asDouble: 1 })] } },
        { name: 'ok', gauge: { dataPoints: [point({ asDouble: 'NaN' }), point({ asDouble: 2, flags: 1 })] } },
      ),
      rejections,
      new ValueLimits(4096),
    );
    expect(rejections.message('data points')).toBe(
      '5 data points rejected: summary metrics are not stored (export histograms instead) (2); aggregation_temporality is unspecified (1); histogram bucket_counts must have one more entry than explicit_bounds (1); metric without a name (1)',
    );
    // Kept: the good histogram point, and the NaN gauge; the point flagged "no recorded value" is no data.
    const kept = decoded.resourceMetrics[0].scopeMetrics[0].metrics;
    expect(kept.map((m) => [m.descriptor.name, m.dataPoints.length])).toEqual([
      ['lat', 1],
      ['ok', 1],
    ]);
    expect(kept[1].dataPoints[0].value).toBeNaN();
    expect(decoded.points).toBe(2);
  });

  it('a gauge point without a start time starts at its own time', () => {
    const decoded = decodeMetricsRequestJson(
      request({ name: 'g', gauge: { dataPoints: [{ timeUnixNano: '1700000000000000005', asDouble: 1 }] } }),
      new Rejections(),
      new ValueLimits(4096),
    );
    const p = decoded.resourceMetrics[0].scopeMetrics[0].metrics[0].dataPoints[0];
    expect(p.startTime).toEqual([1700000000, 5] as HrTime);
    expect(p.endTime).toEqual([1700000000, 5]);
  });

  it('malformed protobuf fails with OtlpDecodeError at every cut', async () => {
    const body = protobuf(await collect(AggregationTemporality.DELTA));
    for (let cut = 1; cut < body.length; cut += 5) {
      expect(() =>
        decodeMetricsRequestProtobuf(body.subarray(0, cut), new Rejections(), new ValueLimits(4096)),
      ).toThrow(OtlpDecodeError);
    }
  });
});
