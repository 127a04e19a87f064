import { metrics } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, AggregationType } from '@opentelemetry/sdk-metrics';
import {
  ComponentType,
  METRIC_EVENT_LOOP_DELAY_MAX,
  METRIC_EVENT_LOOP_DELAY_P50,
  METRIC_EVENT_LOOP_DELAY_P99,
  METRIC_OPERATION_DURATION,
  METRIC_OPERATION_ERRORS,
  METRIC_OPERATIONS,
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_EXTERNAL,
  METRIC_PROCESS_HEAP_TOTAL,
  METRIC_PROCESS_HEAP_USED,
  METRIC_PROCESS_MEMORY_RSS,
  METRIC_SYSTEM_CPU_UTILIZATION,
  METRIC_SYSTEM_MEMORY_LIMIT,
  METRIC_SYSTEM_MEMORY_USAGE,
  OPERATION_DURATION_BUCKETS_S,
  RESOURCE_GAUGES,
  INSTRUMENTATION_SCOPE,
  timeOperation,
} from '@transcriber/instrumentation';
import { SqliteMetricExporter } from '@transcriber/storage';
import * as path from 'node:path';
import {
  startMetrics,
  startTracing,
  type MetricsPipeline,
  type TracingPipeline,
} from '../../../../test/helpers/sqliteTelemetry';
import { queryRows } from '../../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { busyWait } from '../../../../test/helpers/wait';

afterAll(removeTempDirs);

interface PointRow {
  name: string;
  unit: string | null;
  kind: string;
  component: string | null;
  operation: string | null;
  start_us: number;
  time_us: number;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucket_bounds: string | null;
  bucket_counts: string | null;
  attributes: string | null;
  scope: string;
  resource_id: number;
}

describe('SqliteMetricExporter', () => {
  let dataDir: string;
  let meters: MetricsPipeline;
  let tracing: TracingPipeline;

  beforeEach(() => {
    dataDir = path.join(makeTempDir(), 'data');
    tracing = startTracing({ dataDir });
    meters = startMetrics({ dataDir });
  });
  afterEach(async () => {
    await meters.shutdown();
    await tracing.shutdown();
  });

  const points = (name?: string) =>
    queryRows<PointRow>(
      dataDir,
      'performance_metrics',
      `SELECT * FROM metric_points ${name === undefined ? '' : 'WHERE name = ?'} ORDER BY id`,
      ...(name === undefined ? [] : [name]),
    );

  it('asks for DELTA temporality', () => {
    expect(meters.exporter.selectAggregationTemporality()).toBe(AggregationTemporality.DELTA);
  });

  it('writes operation histograms with their buckets, and counters, per component and operation', async () => {
    for (const ms of [3, 12, 40]) timeOperation(ComponentType.STT, 'transcribe', () => busyWait(ms));
    expect(() =>
      timeOperation(ComponentType.TTS, 'synthesize', () => {
        throw new SyntaxError('bad SSML');
      }),
    ).toThrow('bad SSML');
    await meters.flush();

    const [stt, tts] = points(METRIC_OPERATION_DURATION).sort((a, b) => a.component!.localeCompare(b.component!));
    expect(stt).toMatchObject({
      unit: 's',
      kind: 'histogram',
      component: 'stt',
      operation: 'transcribe',
      value: null,
      count: 3,
      attributes: null,
      scope: INSTRUMENTATION_SCOPE,
    });
    expect(stt.min).toBeGreaterThanOrEqual(0.003);
    expect(stt.max).toBeGreaterThanOrEqual(0.04);
    expect(stt.sum).toBeGreaterThanOrEqual(0.055);
    expect(stt.time_us).toBeGreaterThan(stt.start_us);
    expect(JSON.parse(stt.bucket_bounds!)).toEqual([...OPERATION_DURATION_BUCKETS_S]);
    const counts = JSON.parse(stt.bucket_counts!) as number[];
    expect(counts).toHaveLength(OPERATION_DURATION_BUCKETS_S.length + 1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    // Each duration lands in its bucket: (0.0025, 0.005], (0.01, 0.025], (0.025, 0.05] unless the
    // busy wait overran into the next one, so check by cumulative count instead of exact slots.
    const upTo = (bound: number) =>
      counts.slice(0, OPERATION_DURATION_BUCKETS_S.indexOf(bound) + 1).reduce((a, b) => a + b, 0);
    expect(upTo(0.0025)).toBe(0);
    expect(upTo(0.01)).toBeLessThanOrEqual(1);
    expect(tts).toMatchObject({ component: 'tts', operation: 'synthesize', count: 1 });
    // Attributes other than component and operation stay in the JSON.
    expect(JSON.parse(tts.attributes!)).toEqual({ 'error.type': 'SyntaxError' });

    const operations = points(METRIC_OPERATIONS);
    expect(operations.map((p) => [p.kind, p.component, p.value])).toEqual(
      expect.arrayContaining([
        ['sum', 'stt', 3],
        ['sum', 'tts', 1],
      ]),
    );
    expect(points(METRIC_OPERATION_ERRORS)).toEqual([
      expect.objectContaining({
        kind: 'sum',
        component: 'tts',
        value: 1,
        attributes: JSON.stringify({ 'error.type': 'SyntaxError' }),
      }),
    ]);
  });

  it('stores what happened in each interval (DELTA): sums are not cumulative', async () => {
    const counter = metrics.getMeter('app').createCounter('app.requests');
    counter.add(3, { route: '/a' });
    await meters.flush();
    counter.add(2, { route: '/a' });
    await meters.flush();
    await meters.flush(); // nothing new: nothing written
    const rows = points('app.requests');
    expect(rows.map((r) => r.value)).toEqual([3, 2]);
    expect(rows[1].start_us).toBe(rows[0].time_us);
    expect(JSON.parse(rows[0].attributes!)).toEqual({ route: '/a' });
    expect(rows[0]).toMatchObject({ scope: 'app', component: null, operation: null, unit: null });
  });

  it('writes up-down counters, gauges and exponential histograms', async () => {
    await meters.shutdown();
    meters = startMetrics(
      { dataDir },
      { views: [{ instrumentName: 'app.latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }] },
    );
    const meter = metrics.getMeter('app');
    const queue = meter.createUpDownCounter('app.queue');
    queue.add(5);
    queue.add(-7);
    meter.createGauge('app.temperature', { unit: 'Cel' }).record(21.5);
    const latency = meter.createHistogram('app.latency', { unit: 's' });
    for (const v of [0.1, 0.2, 0.4]) latency.record(v);
    await meters.flush();

    expect(points('app.queue')).toEqual([expect.objectContaining({ kind: 'sum', value: -2 })]);
    expect(points('app.temperature')).toEqual([expect.objectContaining({ kind: 'gauge', value: 21.5, unit: 'Cel' })]);
    const [exp] = points('app.latency');
    expect(exp).toMatchObject({ kind: 'exponential_histogram', count: 3, min: 0.1, max: 0.4 });
    expect(exp.sum).toBeCloseTo(0.7, 12);
    expect(JSON.parse(exp.bucket_bounds!)).toEqual({ scale: expect.any(Number), zeroCount: 0 });
    const buckets = JSON.parse(exp.bucket_counts!);
    expect(buckets.positive.bucketCounts.reduce((a: number, b: number) => a + b, 0)).toBe(3);
  });

  it('pivots the resource gauges into one resource_snapshots row per collection', async () => {
    const meter = metrics.getMeter('monitor');
    const values: Record<string, number> = {
      [METRIC_PROCESS_CPU_UTILIZATION]: 0.25,
      [METRIC_PROCESS_MEMORY_RSS]: 123_456_789.4,
      [METRIC_PROCESS_HEAP_USED]: 50_000_000,
      [METRIC_PROCESS_HEAP_TOTAL]: 80_000_000,
      [METRIC_PROCESS_EXTERNAL]: 2_000_000,
      [METRIC_EVENT_LOOP_DELAY_P50]: 0.0105,
      [METRIC_EVENT_LOOP_DELAY_P99]: 0.02,
      [METRIC_EVENT_LOOP_DELAY_MAX]: 0.125,
      [METRIC_SYSTEM_CPU_UTILIZATION]: 0.5,
      [METRIC_SYSTEM_MEMORY_USAGE]: 4_000_000_000,
      [METRIC_SYSTEM_MEMORY_LIMIT]: 8_000_000_000,
    };
    expect(Object.keys(values).sort()).toEqual([...RESOURCE_GAUGES].sort());
    for (const name of RESOURCE_GAUGES) {
      meter.createObservableGauge(name).addCallback((result) => result.observe(values[name]));
    }
    meter.createObservableGauge('app.other').addCallback((result) => result.observe(7));
    const before = Date.now() * 1000;
    await meters.flush();
    values[METRIC_PROCESS_CPU_UTILIZATION] = 0.75;
    await meters.flush();

    const snapshots = queryRows(dataDir, 'performance_metrics', 'SELECT * FROM resource_snapshots ORDER BY id');
    expect(snapshots).toHaveLength(2);
    expect(snapshots[0]).toEqual({
      id: 1,
      time_us: expect.any(Number),
      pid: process.pid,
      cpu_utilization: 0.25,
      rss_bytes: 123_456_789,
      heap_used_bytes: 50_000_000,
      heap_total_bytes: 80_000_000,
      external_bytes: 2_000_000,
      event_loop_delay_p50_ms: 10.5,
      event_loop_delay_p99_ms: 20,
      event_loop_delay_max_ms: 125,
      system_cpu_utilization: 0.5,
      system_memory_used_bytes: 4_000_000_000,
      system_memory_total_bytes: 8_000_000_000,
      resource_id: 1,
    });
    expect(snapshots[0].time_us as number).toBeGreaterThanOrEqual(before);
    expect(snapshots[1].cpu_utilization).toBe(0.75);
    // The gauges are not repeated as metric points; other gauges are (once per collection).
    expect(points().map((p) => [p.name, p.value])).toEqual([
      ['app.other', 7],
      ['app.other', 7],
    ]);
  });

  it('leaves columns of gauges that were not observed empty', async () => {
    metrics
      .getMeter('monitor')
      .createObservableGauge(METRIC_PROCESS_MEMORY_RSS)
      .addCallback((r) => r.observe(1000));
    await meters.flush();
    const [snapshot] = queryRows(dataDir, 'performance_metrics', 'SELECT * FROM resource_snapshots');
    expect(snapshot).toMatchObject({ rss_bytes: 1000, cpu_utilization: null, event_loop_delay_max_ms: null });
  });

  it('fails exports after shutdown', async () => {
    const exporter = new SqliteMetricExporter({ dataDir });
    await exporter.shutdown();
    let result: ExportResult | undefined;
    exporter.export({ resource: undefined as never, scopeMetrics: [] }, (r) => (result = r));
    expect(result?.code).toBe(ExportResultCode.FAILED);
  });
});
