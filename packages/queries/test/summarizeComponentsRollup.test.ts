import { trace } from '@opentelemetry/api';
import { ATTR_COMPONENT } from '@transcriber/instrumentation';
import { newestStart, openForQuery, recentOperations, summarizeComponents } from '@transcriber/queries';
import {
  migrationsFor,
  openDatabaseForWriting,
  pruneDatabase,
  latencyBucketOf,
  minuteOf,
} from '@transcriber/storage/databases';
import { databasePath } from '@transcriber/storage/files';
import { startTracing } from '../../../test/helpers/sqliteTelemetry';
import { withDatabase, copyPerformanceDatabase } from '../../../test/helpers/sqlite';
import { exactPercentile, seededRandom } from '../../../test/helpers/seededData';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

interface SpanRow {
  component: string;
  start_us: number;
  duration_ms: number;
  status_code: number;
}

const BASE_MS = Date.UTC(2026, 0, 1, 12);
const MINUTES = 20;
const SPANS = 6000;

describe('per-minute span rollup', () => {
  let dataDir: string;
  let rows: SpanRow[];

  beforeAll(async () => {
    dataDir = makeTempDir();
    const pipeline = startTracing({ dataDir }, { batch: true });
    const tracer = trace.getTracer('rollup-test');
    const next = seededRandom(7);
    for (let i = 0; i < SPANS; i++) {
      const component = i % 3 === 0 ? 'llm' : 'stt';
      const startMs = BASE_MS + next() * MINUTES * 60_000;
      const durationMs = Math.exp(next() * 6) * (component === 'llm' ? 20 : 1);
      const span = tracer.startSpan(`${component}.op`, {
        startTime: startMs,
        attributes: { [ATTR_COMPONENT]: component },
      });
      if (next() < 0.05) span.setStatus({ code: 2 });
      span.end(startMs + durationMs);
    }
    tracer.startSpan('no component', { startTime: BASE_MS + 1000 }).end(BASE_MS + 2000);
    await pipeline.flush();
    await pipeline.shutdown();
    rows = withDatabase(dataDir, 'performance_metrics', (db) =>
      db.prepare('SELECT component, start_us, duration_ms, status_code FROM spans WHERE component IS NOT NULL').all(),
    ) as SpanRow[];
  });

  function reference(component: string, sinceUs: number, untilUs: number) {
    const inWindow = rows.filter((r) => r.component === component && r.start_us >= sinceUs && r.start_us < untilUs);
    const durations = inWindow.map((r) => r.duration_ms).sort((a, b) => a - b);
    return {
      count: inWindow.length,
      errors: inWindow.filter((r) => r.status_code === 2).length,
      avgMs: durations.reduce((a, b) => a + b, 0) / durations.length,
      minMs: durations[0],
      maxMs: durations[durations.length - 1],
      p50Ms: exactPercentile(durations, 50),
      p95Ms: exactPercentile(durations, 95),
      p99Ms: exactPercentile(durations, 99),
    };
  }

  it('is written by the exporter: one row per minute, component and latency bucket, adding up to the spans', () => {
    expect(rows).toHaveLength(SPANS);
    const expected = new Map<string, { count: number; errors: number; min: number; max: number }>();
    for (const r of rows) {
      const key = `${minuteOf(r.start_us)}|${r.component}|${latencyBucketOf(r.duration_ms)}`;
      const e = expected.get(key) ?? { count: 0, errors: 0, min: Infinity, max: -Infinity };
      e.count += 1;
      e.errors += r.status_code === 2 ? 1 : 0;
      e.min = Math.min(e.min, r.duration_ms);
      e.max = Math.max(e.max, r.duration_ms);
      expected.set(key, e);
    }
    const rollup = withDatabase(dataDir, 'performance_metrics', (db) =>
      db.prepare('SELECT minute_us, component, bucket, count, errors, min_ms, max_ms FROM span_rollup').all(),
    ) as {
      minute_us: number;
      component: string;
      bucket: number;
      count: number;
      errors: number;
      min_ms: number;
      max_ms: number;
    }[];
    expect(rollup).toHaveLength(expected.size);
    for (const r of rollup) {
      expect(expected.get(`${r.minute_us}|${r.component}|${r.bucket}`)).toEqual({
        count: r.count,
        errors: r.errors,
        min: r.min_ms,
        max: r.max_ms,
      });
    }
  });

  it('summarizes a large window from whole minutes plus the edge spans: exact counts, percentiles within 4.5%', () => {
    // Edges inside minutes, so both partial minutes come from the spans table.
    const sinceUs = (BASE_MS + 90_500) * 1000;
    const untilUs = (BASE_MS + (MINUTES - 2) * 60_000 + 17_250) * 1000;
    const db = openForQuery(dataDir, 'performance_metrics');
    const fromRollup = summarizeComponents(db, { sinceUs, untilUs, exactLimit: 0 });
    const exact = summarizeComponents(db, { sinceUs, untilUs });
    db.close();
    expect(fromRollup.map((s) => s.component)).toEqual(['llm', 'stt']);
    expect(fromRollup.every((s) => s.percentiles === 'buckets')).toBe(true);
    expect(exact.every((s) => s.percentiles === 'exact')).toBe(true);
    for (const row of fromRollup) {
      const want = reference(row.component, sinceUs, untilUs);
      expect(row.count).toBe(want.count);
      expect(row.errors).toBe(want.errors);
      expect(row.minMs).toBe(want.minMs);
      expect(row.maxMs).toBe(want.maxMs);
      expect(row.avgMs).toBeCloseTo(want.avgMs, 6);
      for (const q of ['p50Ms', 'p95Ms', 'p99Ms'] as const) {
        expect(Math.abs(row[q] / want[q] - 1)).toBeLessThan(0.045);
      }
      const same = exact.find((e) => e.component === row.component)!;
      expect(same.p95Ms).toBeCloseTo(want.p95Ms, 9);
    }
    // A component filter is a bound parameter on this path too.
    const db2 = openForQuery(dataDir, 'performance_metrics');
    expect(summarizeComponents(db2, { sinceUs, untilUs, component: 'llm', exactLimit: 0 })).toHaveLength(1);
    expect(summarizeComponents(db2, { sinceUs, untilUs, component: "llm' OR 1=1 --", exactLimit: 0 })).toEqual([]);
    db2.close();
  });

  it('lets recentOperations pick its index by the data, with the same answer as a plain sort', () => {
    const sinceUs = (BASE_MS + 30_000) * 1000;
    const untilUs = (BASE_MS + MINUTES * 60_000) * 1000;
    const db = openForQuery(dataDir, 'performance_metrics');
    const cases = [
      { order: 'slowest' as const },
      { order: 'slowest' as const, component: 'stt' },
      { order: 'slowest' as const, errorsOnly: true },
      { order: 'recent' as const, errorsOnly: true, component: 'llm' },
      { order: 'recent' as const, minDurationMs: 100 },
    ];
    for (const filter of cases) {
      const got = recentOperations(db, { sinceUs, untilUs, limit: 25, ...filter });
      const want = rows
        .filter(
          (r) =>
            r.start_us >= sinceUs &&
            r.start_us < untilUs &&
            (filter.component === undefined || r.component === filter.component) &&
            (!filter.errorsOnly || r.status_code === 2) &&
            (filter.minDurationMs === undefined || r.duration_ms >= filter.minDurationMs),
        )
        .sort((a, b) => (filter.order === 'slowest' ? b.duration_ms - a.duration_ms : b.start_us - a.start_us))
        .slice(0, 25);
      expect(got.map((o) => [o.startUs, o.durationMs])).toEqual(want.map((r) => [r.start_us, r.duration_ms]));
      expect(got).toHaveLength(25);
    }
    db.close();
  });

  it('newestStart finds where the newest N operations of a component begin', () => {
    const llm = rows
      .filter((r) => r.component === 'llm')
      .map((r) => r.start_us)
      .sort((a, b) => b - a);
    const db = openForQuery(dataDir, 'performance_metrics');
    expect(newestStart(db, { component: 'llm', sinceUs: 0, count: 10 })).toBe(llm[9]);
    expect(newestStart(db, { component: 'llm', sinceUs: 0, count: 1 })).toBe(llm[0]);
    // Fewer than asked for: the window stays as it was.
    expect(newestStart(db, { component: 'llm', sinceUs: 5, count: llm.length + 1 })).toBe(5);
    expect(newestStart(db, { component: 'vad', sinceUs: 7, count: 3 })).toBe(7);
    db.close();
  });

  it('is backfilled from existing spans when a version-1 database is migrated', () => {
    const file = databasePath(dataDir, 'performance_metrics');
    const old = makeTempDir();
    const oldFile = databasePath(old, 'performance_metrics');
    const v1 = openDatabaseForWriting(oldFile, migrationsFor('performance_metrics').slice(0, 1));
    v1.exec(`ATTACH '${file}' AS src`);
    v1.exec('INSERT INTO resources SELECT * FROM src.resources; INSERT INTO spans SELECT * FROM src.spans');
    v1.exec('DETACH src');
    v1.close();
    const migrated = openDatabaseForWriting(oldFile, migrationsFor('performance_metrics'));
    const rollup = (db: typeof migrated) =>
      db.prepare('SELECT * FROM span_rollup ORDER BY minute_us, component, bucket').all() as Record<string, number>[];
    const backfilled = rollup(migrated);
    migrated.close();
    const written = withDatabase(dataDir, 'performance_metrics', (db) => rollup(db as typeof migrated));
    expect(backfilled.length).toBe(written.length);
    backfilled.forEach((row, i) => {
      expect({ ...row, sum_ms: undefined }).toEqual({ ...written[i], sum_ms: undefined });
      expect(row.sum_ms).toBeCloseTo(written[i].sum_ms, 6);
    });
  });

  it('is pruned along with the spans: no minute before the oldest span left', () => {
    const copy = makeTempDir();
    const db = copyPerformanceDatabase(dataDir, copy);
    pruneDatabase(db, 'performance_metrics', { maxRowsPerTable: 1000 });
    const oldest = db.prepare('SELECT min(start_us) FROM spans').pluck().get() as number;
    expect(db.prepare('SELECT min(minute_us) FROM span_rollup').pluck().get()).toBe(minuteOf(oldest));
    pruneDatabase(db, 'performance_metrics', { maxAgeDays: 1 }, BASE_MS + 400 * 86_400_000);
    expect(db.prepare('SELECT count(*) FROM span_rollup').pluck().get()).toBe(0);
    db.close();
  });
});
