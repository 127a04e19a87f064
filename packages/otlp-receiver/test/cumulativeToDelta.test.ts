import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { CumulativeToDelta, type DeltaResult } from '../src/cumulativeToDelta';
import { Rejections } from '../src/rejections';

const STARTED: HrTime = [1000, 0];
const resource = resourceFromAttributes({ 'service.name': 'agent' });

function sum(
  points: [start: number, end: number, value: number, attributes?: Attributes][],
  monotonic = true,
): ResourceMetrics {
  const metric: MetricData = {
    descriptor: { name: 'requests', description: '', unit: '', valueType: ValueType.INT },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: monotonic,
    dataPoints: points.map(([start, end, value, attributes]) => ({
      startTime: [start, 0],
      endTime: [end, 0],
      attributes: attributes ?? {},
      value,
    })),
  };
  return { resource, scopeMetrics: [{ scope: { name: 's' }, metrics: [metric] }] };
}

function histogram(start: number, end: number, counts: number[], sumValue: number): ResourceMetrics {
  const value: Histogram = {
    count: counts.reduce((a, b) => a + b, 0),
    sum: sumValue,
    min: 0.01,
    max: 9,
    buckets: { boundaries: [0.1, 1], counts },
  };
  const metric: MetricData = {
    descriptor: { name: 'latency', description: '', unit: 's', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: [{ startTime: [start, 0], endTime: [end, 0], attributes: {}, value }],
  };
  return { resource, scopeMetrics: [{ scope: { name: 's' }, metrics: [metric] }] };
}

function convert(converter: CumulativeToDelta, input: ResourceMetrics) {
  const result: DeltaResult = { baselines: 0 };
  const rejections = new Rejections();
  const output = converter.convert(input, rejections, result);
  const metric = output.scopeMetrics[0]?.metrics[0];
  return {
    baselines: result.baselines,
    rejected: rejections.count,
    temporality: metric?.aggregationTemporality,
    points: (metric?.dataPoints ?? []).map((p: DataPoint<unknown>) => [p.startTime[0], p.endTime[0], p.value]),
  };
}

describe('CumulativeToDelta', () => {
  it('stores each later point as the change since the one before', () => {
    const c = new CumulativeToDelta(STARTED);
    expect(convert(c, sum([[1100, 1110, 5]]))).toEqual({
      baselines: 0,
      rejected: 0,
      temporality: AggregationTemporality.DELTA,
      points: [[1100, 1110, 5]],
    });
    expect(convert(c, sum([[1100, 1120, 12]])).points).toEqual([[1110, 1120, 7]]);
    expect(convert(c, sum([[1100, 1130, 12]])).points).toEqual([[1120, 1130, 0]]);
  });

  it('a series that began before the receiver only sets the baseline', () => {
    const c = new CumulativeToDelta(STARTED);
    expect(convert(c, sum([[900, 1010, 500]]))).toEqual({
      baselines: 1,
      rejected: 0,
      temporality: undefined,
      points: [],
    });
    expect(convert(c, sum([[900, 1020, 530]])).points).toEqual([[1010, 1020, 30]]);
  });

  it('a restart (new start time) counts from the new start; a monotonic drop or a repeat becomes a baseline', () => {
    const c = new CumulativeToDelta(STARTED);
    convert(c, sum([[1100, 1110, 50]]));
    expect(convert(c, sum([[1115, 1120, 3]])).points).toEqual([[1115, 1120, 3]]);
    expect(convert(c, sum([[1115, 1130, 1]]))).toMatchObject({ baselines: 1, points: [] });
    expect(convert(c, sum([[1115, 1130, 1]]))).toMatchObject({ baselines: 1, points: [] });
    expect(convert(c, sum([[1115, 1140, 4]])).points).toEqual([[1130, 1140, 3]]);
  });

  it('an up-down counter may go down', () => {
    const c = new CumulativeToDelta(STARTED);
    convert(c, sum([[1100, 1110, 5]], false));
    expect(convert(c, sum([[1100, 1120, 2]], false)).points).toEqual([[1110, 1120, -3]]);
  });

  it('keeps series apart by attributes, whatever their order', () => {
    const c = new CumulativeToDelta(STARTED);
    convert(
      c,
      sum([
        [1100, 1110, 1, { a: 1, b: 2 }],
        [1100, 1110, 10, { a: 2, b: 2 }],
      ]),
    );
    expect(
      convert(
        c,
        sum([
          [1100, 1120, 4, { b: 2, a: 1 }],
          [1100, 1120, 15, { a: 2, b: 2 }],
        ]),
      ).points,
    ).toEqual([
      [1110, 1120, 3],
      [1110, 1120, 5],
    ]);
  });

  it('histograms: bucket counts, count and sum as differences; the interval extremes are unknown', () => {
    const c = new CumulativeToDelta(STARTED);
    convert(c, histogram(1100, 1110, [1, 2, 0], 2.5));
    const [[, , value]] = convert(c, histogram(1100, 1120, [1, 5, 1], 9)).points as [number, number, Histogram][];
    expect(value).toEqual({
      count: 4,
      sum: 6.5,
      min: undefined,
      max: undefined,
      buckets: { boundaries: [0.1, 1], counts: [0, 3, 1] },
    });
  });

  it('refuses cumulative exponential histograms, and passes deltas and gauges through', () => {
    const c = new CumulativeToDelta(STARTED);
    const input = sum([[1100, 1110, 5]]);
    const metrics = input.scopeMetrics[0].metrics;
    metrics.push({ ...metrics[0], dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM } as unknown as MetricData);
    metrics.push({
      ...metrics[0],
      aggregationTemporality: AggregationTemporality.DELTA,
      descriptor: { ...metrics[0].descriptor, name: 'delta' },
    });
    const rejections = new Rejections();
    const output = c.convert(input, rejections, { baselines: 0 });
    expect(rejections.message('data points')).toBe(
      '1 data points rejected: cumulative exponential histograms are not stored (export them with delta temporality) (1)',
    );
    expect(output.scopeMetrics[0].metrics.map((m) => m.descriptor.name)).toEqual(['requests', 'delta']);
  });

  it('forgets the least recently updated series past its bound (their next point is a baseline again)', () => {
    const c = new CumulativeToDelta(STARTED, 2);
    convert(c, sum([[1100, 1110, 1, { s: 'a' }]]));
    convert(c, sum([[1100, 1110, 1, { s: 'b' }]]));
    convert(c, sum([[1100, 1120, 2, { s: 'a' }]]));
    convert(c, sum([[1100, 1110, 1, { s: 'c' }]]));
    expect(c.size).toBe(2);
    // b was forgotten: its next point is stored whole (it started after the receiver), a's and c's as deltas.
    expect(convert(c, sum([[1100, 1130, 7, { s: 'a' }]])).points).toEqual([[1120, 1130, 5]]);
    expect(convert(c, sum([[1100, 1130, 9, { s: 'b' }]])).points).toEqual([[1100, 1130, 9]]);
  });
});
