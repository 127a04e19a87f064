import { logs } from '@opentelemetry/api-logs';
import {
  EVENT_ATTR,
  EVENT_OPTIMIZATION_ACTION,
  EVENT_OPTIMIZATION_RECOMMENDATION,
  OPTIMIZATION_ATTR,
} from '@transcriber/instrumentation';
import { openForQuery, optimizationLog } from '@transcriber/queries';
import { startLogs } from '../../../test/helpers/sqliteTelemetry';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('optimizationLog', () => {
  const T = Date.UTC(2026, 2, 4, 11);
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeTempDir();
    const pipeline = startLogs({ dataDir });
    const logger = logs.getLogger('test');
    logger.emit({
      eventName: EVENT_OPTIMIZATION_ACTION,
      timestamp: T,
      attributes: {
        [EVENT_ATTR.COMPONENT]: 'memory',
        [OPTIMIZATION_ATTR.KIND]: 'memory',
        [OPTIMIZATION_ATTR.DESCRIPTION]: 'purged 1 cache',
        [OPTIMIZATION_ATTR.BEFORE]: JSON.stringify({ heapUsedMb: 80 }),
        [OPTIMIZATION_ATTR.AFTER]: JSON.stringify({ heapUsedMb: 20 }),
        [OPTIMIZATION_ATTR.IMPROVEMENT]: 'freed 60.0 MiB',
        [OPTIMIZATION_ATTR.IMPROVEMENT_BASIS]: 'measured',
        [OPTIMIZATION_ATTR.SUCCESS]: true,
      },
    });
    logger.emit({
      eventName: EVENT_OPTIMIZATION_RECOMMENDATION,
      timestamp: T + 1000,
      attributes: {
        [EVENT_ATTR.COMPONENT]: 'stt',
        [OPTIMIZATION_ATTR.RECOMMENDATION_ID]: 'latency:stt',
        [OPTIMIZATION_ATTR.KIND]: 'latency',
        [OPTIMIZATION_ATTR.PRIORITY]: 'high',
        [OPTIMIZATION_ATTR.DESCRIPTION]: 'stt p95 is 1200 ms',
        [OPTIMIZATION_ATTR.IMPROVEMENT]: '-700 ms p95',
        [OPTIMIZATION_ATTR.IMPROVEMENT_BASIS]: 'derived',
        [OPTIMIZATION_ATTR.EVIDENCE]: JSON.stringify({ p95Ms: { value: 1200, unit: 'ms', basis: 'measured' } }),
      },
    });
    logger.emit({
      eventName: EVENT_OPTIMIZATION_RECOMMENDATION,
      timestamp: T - 3_600_000, // an hour earlier
      attributes: { [EVENT_ATTR.COMPONENT]: 'vad', [OPTIMIZATION_ATTR.EVIDENCE]: 'not json' },
    });
    await pipeline.flush();
    await pipeline.shutdown();
  });

  const query = (filter: Partial<Parameters<typeof optimizationLog>[1]> = {}) => {
    const db = openForQuery(dataDir, 'optimization_logs');
    try {
      return optimizationLog(db, { sinceUs: T * 1000, ...filter });
    } finally {
      db.close();
    }
  };

  it('lists actions and recommendations newest first, with their JSON parsed', () => {
    expect(query()).toEqual([
      {
        type: 'recommendation',
        timeUs: (T + 1000) * 1000,
        component: 'stt',
        kind: 'latency',
        description: 'stt p95 is 1200 ms',
        improvement: '-700 ms p95',
        improvementBasis: 'derived',
        success: null,
        recommendationId: 'latency:stt',
        priority: 'high',
        before: null,
        after: null,
        evidence: { p95Ms: { value: 1200, unit: 'ms', basis: 'measured' } },
      },
      {
        type: 'action',
        timeUs: T * 1000,
        component: 'memory',
        kind: 'memory',
        description: 'purged 1 cache',
        improvement: 'freed 60.0 MiB',
        improvementBasis: 'measured',
        success: true,
        recommendationId: null,
        priority: null,
        before: { heapUsedMb: 80 },
        after: { heapUsedMb: 20 },
        evidence: null,
      },
    ]);
  });

  it('filters by type, component, window and limit, and shows text that is not JSON as it is', () => {
    expect(query({ type: 'action' }).map((e) => e.kind)).toEqual(['memory']);
    expect(query({ type: 'recommendation' }).map((e) => e.recommendationId)).toEqual(['latency:stt']);
    expect(query({ component: 'memory' }).map((e) => e.type)).toEqual(['action']);
    expect(query({ limit: 1 })).toHaveLength(1);
    const older = query({ sinceUs: (T - 7_200_000) * 1000, component: 'vad' });
    expect(older).toHaveLength(1);
    expect(older[0].evidence).toBe('not json');
    expect(query({ untilUs: T * 1000 })).toEqual([]);
  });
});
