import { metrics } from '@opentelemetry/api';
import {
  METRIC_EVENT_LOOP_DELAY_MAX,
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_MEMORY_RSS,
} from '@transcriber/instrumentation';
import { openForQuery, resourceHistory } from '@transcriber/queries';
import { startMetrics, testResource } from '../../../test/helpers/sqliteTelemetry';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';
import { sleep } from '../../../test/helpers/wait';

afterAll(removeTempDirs);

describe('resourceHistory', () => {
  it('returns the snapshots of the window, oldest first, optionally of one process', async () => {
    const dataDir = makeTempDir();
    let rss = 100_000_000;
    for (const pid of [1111, 2222]) {
      const meters = startMetrics({ dataDir }, { resource: testResource({ 'process.pid': pid }) });
      const meter = metrics.getMeter('monitor');
      meter.createObservableGauge(METRIC_PROCESS_MEMORY_RSS).addCallback((r) => r.observe((rss += 1_000_000)));
      meter.createObservableGauge(METRIC_PROCESS_CPU_UTILIZATION).addCallback((r) => r.observe(pid / 10_000));
      meter.createObservableGauge(METRIC_EVENT_LOOP_DELAY_MAX).addCallback((r) => r.observe(0.004));
      for (let i = 0; i < 3; i++) {
        await meters.flush();
        await sleep(2);
      }
      await meters.shutdown(); // collects once more
    }

    const db = openForQuery(dataDir, 'performance_metrics');
    const all = resourceHistory(db, { sinceUs: 0 });
    expect(all).toHaveLength(8);
    expect(all.map((s) => s.timeUs)).toEqual([...all.map((s) => s.timeUs)].sort((a, b) => a - b));
    expect(all.map((s) => s.rssBytes)).toEqual(Array.from({ length: 8 }, (_, i) => 101_000_000 + i * 1_000_000));
    expect(all[0]).toEqual({
      timeUs: expect.any(Number),
      pid: 1111,
      cpuUtilization: 0.1111,
      rssBytes: 101_000_000,
      heapUsedBytes: null,
      heapTotalBytes: null,
      externalBytes: null,
      eventLoopDelayP50Ms: null,
      eventLoopDelayP99Ms: null,
      eventLoopDelayMaxMs: 4,
      systemCpuUtilization: null,
      systemMemoryUsedBytes: null,
      systemMemoryTotalBytes: null,
    });
    expect(resourceHistory(db, { sinceUs: 0, pid: 2222 }).map((s) => s.pid)).toEqual([2222, 2222, 2222, 2222]);
    const window = resourceHistory(db, { sinceUs: all[2].timeUs, untilUs: all[5].timeUs });
    expect(window.map((s) => s.rssBytes)).toEqual([103_000_000, 104_000_000, 105_000_000]);
    expect(resourceHistory(db, { sinceUs: all[7].timeUs + 1 })).toEqual([]);
    db.close();
  });
});
