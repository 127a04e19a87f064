import { metrics } from '@opentelemetry/api';
import { metricTotals, openForQuery } from '@transcriber/queries';
import { startMetrics } from '../../../test/helpers/sqliteTelemetry';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('metricTotals', () => {
  it('adds up a histogram’s delta points across exports, and is undefined for a metric never recorded', async () => {
    const dataDir = makeTempDir();
    const startedUs = Date.now() * 1000;
    const pipeline = startMetrics({ dataDir });
    const gc = metrics.getMeter('test').createHistogram('v8js.gc.duration', { unit: 's' });
    const counter = metrics.getMeter('test').createCounter('test.frames');
    gc.record(0.002);
    gc.record(0.004);
    counter.add(3);
    await pipeline.flush();
    gc.record(0.01);
    counter.add(2);
    await pipeline.flush();
    await pipeline.shutdown();

    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      const totals = metricTotals(db, { name: 'v8js.gc.duration', sinceUs: startedUs });
      expect(totals).toMatchObject({ name: 'v8js.gc.duration', count: 3, unit: 's' });
      expect(totals!.sum).toBeCloseTo(0.016, 9);
      expect(totals!.points).toBeGreaterThanOrEqual(2);
      expect(totals!.startUs).toBeGreaterThanOrEqual(startedUs - 1000);
      expect(totals!.endUs).toBeGreaterThan(totals!.startUs);
      expect(metricTotals(db, { name: 'test.frames', sinceUs: startedUs })?.sum).toBe(5);
      expect(metricTotals(db, { name: 'nodejs.gc.nothing', sinceUs: startedUs })).toBeUndefined();
      expect(metricTotals(db, { name: 'v8js.gc.duration', sinceUs: Date.now() * 1000 + 10_000_000 })).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
