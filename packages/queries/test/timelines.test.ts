import { metrics } from '@opentelemetry/api';
import { METRIC_PROCESS_MEMORY_RSS, METRIC_TURN_VOICE_TO_VOICE } from '@transcriber/instrumentation';
import {
  componentTimeline,
  openForQuery,
  resourceTimeline,
  summarizeComponents,
  timeSteps,
  turnTimeline,
} from '@transcriber/queries';
import { recordSpans, type SpanSpec } from '../../../test/helpers/recordSpans';
import { startMetrics, testResource } from '../../../test/helpers/sqliteTelemetry';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const MINUTE_MS = 60_000;
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);

describe('timeSteps', () => {
  it('whole minutes, one a point, or several when the window would have too many', () => {
    const hour = timeSteps({ sinceUs: (T0 + 30_000) * 1000, untilUs: (T0 + 60 * MINUTE_MS) * 1000 });
    expect(hour.stepMinutes).toBe(1);
    expect(hour.firstUs).toBe(T0 * 1000);
    expect(hour.timesUs).toHaveLength(60);
    const day = timeSteps({ sinceUs: T0 * 1000, untilUs: (T0 + 1440 * MINUTE_MS) * 1000 }, 240);
    expect(day.stepMinutes).toBe(6);
    expect(day.timesUs).toHaveLength(240);
    expect(() => timeSteps({ sinceUs: 5, untilUs: 5 })).toThrow(/end after it starts/);
  });
});

describe('per-step timelines', () => {
  const dataDir = makeTempDir();
  const window = { sinceUs: T0 * 1000, untilUs: (T0 + 10 * MINUTE_MS) * 1000 };

  beforeAll(async () => {
    // Minute 0: 30 STT operations of 100–129 ms (3 failing); minute 2: 10 of 200 ms; a turn a
    // second in minute 0 (voice-to-voice 500–529 ms); 400 turns in minute 5 (all 800 ms).
    const specs: SpanSpec[] = [];
    for (let i = 0; i < 30; i++) {
      specs.push({
        component: 'stt',
        operation: 'transcribe',
        startMs: T0 + i * 1000,
        durationMs: 100 + i,
        errorType: i % 10 === 0 ? 'E' : undefined,
      });
      specs.push({
        component: 'pipeline',
        operation: 'turn',
        startMs: T0 + i * 1000,
        durationMs: 900,
        attributes: { [METRIC_TURN_VOICE_TO_VOICE]: (500 + i) / 1000 },
      });
    }
    for (let i = 0; i < 10; i++)
      specs.push({
        component: 'stt',
        operation: 'transcribe',
        startMs: T0 + 2 * MINUTE_MS + i * 1000,
        durationMs: 200,
      });
    for (let i = 0; i < 400; i++) {
      specs.push({
        component: 'pipeline',
        operation: 'turn',
        startMs: T0 + 5 * MINUTE_MS + i * 100,
        durationMs: 900,
        attributes: { [METRIC_TURN_VOICE_TO_VOICE]: 0.8 },
      });
    }
    await recordSpans(dataDir, specs, 'voice-agent');
  });

  const read = <T>(fn: (db: ReturnType<typeof openForQuery>) => T): T => {
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  it('components per minute from the rollup, agreeing with the summary of each minute', () => {
    const timeline = read((db) => componentTimeline(db, { ...window, component: 'stt' }));
    expect(timeline.timesUs).toHaveLength(10);
    const [stt] = timeline.components;
    expect(stt.count).toEqual([30, 0, 10, 0, 0, 0, 0, 0, 0, 0]);
    expect(stt.errors).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(stt.p50Ms[1]).toBeNull();
    for (const minute of [0, 2]) {
      const [exact] = read((db) =>
        summarizeComponents(db, {
          sinceUs: (T0 + minute * MINUTE_MS) * 1000,
          untilUs: (T0 + (minute + 1) * MINUTE_MS) * 1000,
          component: 'stt',
        }),
      );
      expect(Math.abs(stt.p50Ms[minute]! / exact.p50Ms - 1)).toBeLessThan(0.045);
      expect(Math.abs(stt.p95Ms[minute]! / exact.p95Ms - 1)).toBeLessThan(0.045);
    }
    expect(read((db) => componentTimeline(db, { ...window, service: 'other' })).components).toEqual([]);
  });

  it('merges the buckets of several processes in a minute, and of several minutes in a step', async () => {
    // Another process of another service: 20 STT operations of 150–169 ms in minute 0.
    const other: SpanSpec[] = Array.from({ length: 20 }, (_, i) => ({
      component: 'stt',
      operation: 'transcribe',
      startMs: T0 + 500 + i * 1000,
      durationMs: 150 + i,
    }));
    const dir = makeTempDir();
    await recordSpans(dir, other, 'other-agent');
    await recordSpans(
      dir,
      Array.from({ length: 30 }, (_, i) => ({
        component: 'stt',
        operation: 'transcribe',
        startMs: T0 + i * 1000,
        durationMs: 100 + i,
      })),
      'voice-agent',
    );
    const db = openForQuery(dir, 'performance_metrics');
    try {
      const [stt] = componentTimeline(db, { ...window, component: 'stt' }).components;
      expect(stt.count[0]).toBe(50);
      const [exact] = summarizeComponents(db, {
        sinceUs: T0 * 1000,
        untilUs: (T0 + MINUTE_MS) * 1000,
        component: 'stt',
      });
      expect(Math.abs(stt.p50Ms[0]! / exact.p50Ms - 1)).toBeLessThan(0.045);
      expect(Math.abs(stt.p95Ms[0]! / exact.p95Ms - 1)).toBeLessThan(0.045);
      // Three-minute steps over ten minutes: minutes 0–2 in the first.
      const coarse = componentTimeline(db, { ...window, component: 'stt', maxPoints: 4 });
      expect(coarse.stepMinutes).toBe(3);
      expect(coarse.components[0].count).toEqual([50, 0, 0, 0]);
      expect(Math.abs(coarse.components[0].p50Ms[0]! / exact.p50Ms - 1)).toBeLessThan(0.045);
    } finally {
      db.close();
    }
  });

  it('voice-to-voice per minute, reading at most perStep turns of a step and saying so', () => {
    const timeline = read((db) => turnTimeline(db, { ...window, perStep: 300 }));
    expect(timeline.turns).toEqual([30, 0, 0, 0, 0, 300, 0, 0, 0, 0]);
    expect(timeline.sampled).toEqual([false, false, false, false, false, true, false, false, false, false]);
    expect(timeline.p50Ms[0]).toBeCloseTo(514.5, 6);
    expect(timeline.p50Ms[5]).toBeCloseTo(800, 6);
    expect(timeline.p50Ms[1]).toBeNull();
    expect(read((db) => turnTimeline(db, { ...window, perStep: 1000 })).sampled.every((s) => !s)).toBe(true);
  });

  it('resources per minute and process, on the same steps', async () => {
    const meters = startMetrics(
      { dataDir },
      { resource: testResource({ 'service.name': 'voice-agent', 'process.pid': 77 }) },
    );
    let rss = 1e8;
    metrics
      .getMeter('monitor')
      .createObservableGauge(METRIC_PROCESS_MEMORY_RSS)
      .addCallback((r) => r.observe((rss += 1e6)));
    await meters.flush();
    await meters.flush();
    await meters.shutdown();
    const now = Date.now() * 1000;
    const timeline = read((db) => resourceTimeline(db, { sinceUs: now - 5 * 60e6, untilUs: now + 1 }));
    const [process] = timeline.processes;
    expect(process.pid).toBe(77);
    expect(process.serviceName).toBe('voice-agent');
    const values = process.rssBytes.filter((v) => v !== null);
    expect(Math.max(...(values as number[]))).toBe(rss);
    expect(values.length).toBeLessThanOrEqual(2);
    expect(
      read((db) => resourceTimeline(db, { sinceUs: now - 5 * 60e6, untilUs: now + 1, service: 'x' })).processes,
    ).toEqual([]);
  });
});
