import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { METRIC_EVENT_LOOP_DELAY_MAX } from '@transcriber/instrumentation';
import { ResourceSampler } from '@transcriber/node';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

describe('ResourceSampler', () => {
  it('samples memory from the process and machine', () => {
    const sampler = new ResourceSampler();
    const s = sampler.sample();
    expect(s.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(s.heapUsedBytes).toBeGreaterThan(0);
    expect(s.heapTotalBytes).toBeGreaterThanOrEqual(s.heapUsedBytes);
    expect(s.systemMemoryTotalBytes).toBe(os.totalmem());
    expect(s.systemMemoryUsedBytes).toBeGreaterThan(0);
    expect(s.systemMemoryUsedBytes).toBeLessThanOrEqual(s.systemMemoryTotalBytes);
  });

  it("reads the heap and Buffers' memory as process.memoryUsage() does", () => {
    const sampler = new ResourceSampler();
    const before = sampler.sample();
    const audio = Buffer.alloc(16 * 1024 * 1024, 1);
    const s = sampler.sample();
    const usage = process.memoryUsage();
    expect(s.externalBytes - before.externalBytes).toBeGreaterThanOrEqual(audio.length);
    expect(s.externalBytes).toBe(usage.external);
    expect(s.heapTotalBytes).toBe(usage.heapTotal);
    // heapUsed moves with every allocation, the sample's own included.
    expect(Math.abs(s.heapUsedBytes - usage.heapUsed)).toBeLessThan(1024 * 1024);
    expect(Math.abs(s.rssBytes - usage.rss)).toBeLessThan(4 * 1024 * 1024);
  });

  it('measures process CPU as CPU time over wall time, busy above idle', () => {
    const run = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'cpuReadings.js')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    const { reference, busy, idle } = JSON.parse(run.stdout) as { reference: number; busy: number; idle: number };
    expect(busy).toBeGreaterThan(reference * 0.8);
    expect(busy).toBeLessThan(reference * 1.25 + 0.05);
    expect(idle).toBeLessThan(busy);
  });

  it('measures event-loop delay caused by a blocked loop', async () => {
    const sampler = new ResourceSampler();
    sampler.start(60); // long interval: samples are taken by hand below
    try {
      await new Promise((r) => setTimeout(r, 50));
      const end = Date.now() + 120;
      while (Date.now() < end); // block the loop ~120 ms
      await new Promise((r) => setTimeout(r, 30));
      const s = sampler.sample();
      expect(s.eventLoopDelayMaxMs).toBeGreaterThan(80);
      expect(s.eventLoopDelayP50Ms).toBeLessThanOrEqual(s.eventLoopDelayMaxMs);
    } finally {
      sampler.stop();
    }
  });
});

describe('ResourceSampler gauges', () => {
  afterEach(() => metrics.disable());

  it('report the worst event-loop delay of the whole collection interval, not just of the last sample', async () => {
    const reader = new (class extends MetricReader {
      protected async onForceFlush(): Promise<void> {}
      protected async onShutdown(): Promise<void> {}
    })();
    const provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    const sampler = new ResourceSampler();
    sampler.start(60);
    try {
      await new Promise((r) => setTimeout(r, 50));
      const end = Date.now() + 120;
      while (Date.now() < end); // a stall early in the interval …
      await new Promise((r) => setTimeout(r, 30));
      sampler.sample(); // … followed by quiet samples before the export
      await new Promise((r) => setTimeout(r, 30));
      sampler.sample();
      const { resourceMetrics } = await reader.collect();
      const points = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      const max = points.find((m) => m.descriptor.name === METRIC_EVENT_LOOP_DELAY_MAX)!.dataPoints[0].value as number;
      expect(max).toBeGreaterThan(0.08); // seconds
      // A quiet interval (long enough for the delay histogram to record: an interval with no
      // measurement reports no delay at all, never a 0).
      await new Promise((r) => setTimeout(r, 50));
      const { resourceMetrics: next } = await reader.collect();
      const nextMax = next.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === METRIC_EVENT_LOOP_DELAY_MAX)!.dataPoints[0].value as number;
      expect(nextMax).toBeLessThan(max); // the next interval starts afresh
    } finally {
      sampler.stop();
      await provider.shutdown();
    }
  });
});
