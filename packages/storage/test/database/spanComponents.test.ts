import { trace } from '@opentelemetry/api';
import {
  ATTR_COMPONENT,
  ATTR_ERROR_TYPE,
  ATTR_OPERATION,
  ComponentType,
  TURN_OPERATION,
} from '@transcriber/instrumentation';
import {
  databaseStats,
  errorBreakdown,
  markLatencies,
  openForQuery,
  recentOperations,
  recentTurns,
  summarizeComponents,
} from '@transcriber/queries';
import { migrationsFor, openDatabaseForWriting, pruneDatabase } from '@transcriber/storage/databases';
import { databasePath } from '@transcriber/storage/files';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { minuteOf } from '../../src/rollup/latencyBuckets';
import { spanComponents } from '../../src/database/spanComponents';
import { startTracing } from '../../../../test/helpers/sqliteTelemetry';
import { exactPercentile, seededRandom } from '../../../../test/helpers/seededData';
import { copyPerformanceDatabase } from '../../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

interface SpanRow {
  id: number;
  span_id: string;
  component: string | null;
  start_us: number;
  duration_ms: number;
  status_code: number;
}

const BASE_MS = Date.UTC(2026, 4, 5, 8);
const MINUTES = 12;
const SPANS = 4000;
// Few distinct start times (one per 250 ms), so many spans share theirs, across components too.
const STARTS = (MINUTES * 60_000) / 250;
const COMPONENTS = ['llm', 'stt', 'tts', 'vad', ComponentType.PIPELINE];
const MARK = 'first_token';
// Edges inside minutes, so both partial minutes are read from the spans.
const SINCE_US = (BASE_MS + 90_500) * 1000;
const UNTIL_US = (BASE_MS + (MINUTES - 2) * 60_000 + 17_250) * 1000;
const WINDOWS: [number, number][] = [
  [BASE_MS * 1000, (BASE_MS + MINUTES * 60_000) * 1000],
  [SINCE_US, UNTIL_US],
  [(BASE_MS + 61_000) * 1000, (BASE_MS + 61_000) * 1000 + 250_000], // two start times, no whole minute
  [(BASE_MS + 120_000) * 1000, (BASE_MS + 180_000) * 1000], // exactly one minute
  [(BASE_MS - 60_000) * 1000, BASE_MS * 1000], // before the data
];

/**
 * Spans of several components and without one, with shared start times, marks and failures,
 * written through the exporter (so the rollup is there too), on a database at the latest schema.
 */
async function writeSpans(dataDir: string): Promise<void> {
  const pipeline = startTracing({ dataDir, retention: {} }, { batch: true });
  const tracer = trace.getTracer('span-components-test');
  const next = seededRandom(11);
  for (let i = 0; i < SPANS; i++) {
    const pick = Math.floor(next() * (COMPONENTS.length + 1));
    const component = COMPONENTS[pick] as string | undefined; // one in six has no component
    const startMs = BASE_MS + Math.floor(next() * STARTS) * 250;
    const durationMs = Math.round(Math.exp(next() * 7) * 100) / 100;
    const attributes: Record<string, string> = {};
    if (component !== undefined) {
      attributes[ATTR_COMPONENT] = component;
      attributes[ATTR_OPERATION] = component === ComponentType.PIPELINE ? TURN_OPERATION : 'op';
    }
    const span = tracer.startSpan(component === undefined ? 'plain span' : `${component}.op`, {
      startTime: startMs,
      attributes,
    });
    if (next() < 0.3) span.addEvent(MARK, {}, startMs + durationMs * next());
    if (next() < 0.08) {
      span.setAttribute(ATTR_ERROR_TYPE, next() < 0.5 ? 'TimeoutError' : 'RateLimitError');
      span.setStatus({ code: 2 });
    }
    span.end(startMs + durationMs);
  }
  await pipeline.flush();
  await pipeline.shutdown();
}

describe('time ranges across components without an index on start times', () => {
  let dataDir: string;
  let rows: SpanRow[];

  beforeAll(async () => {
    dataDir = makeTempDir();
    await writeSpans(dataDir);
    const db = openForQuery(dataDir, 'performance_metrics');
    rows = db
      .prepare('SELECT id, span_id, component, start_us, duration_ms, status_code FROM spans')
      .all() as SpanRow[];
    db.close();
  });

  const withDb = <T>(read: (db: Database) => T): T => {
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      return read(db);
    } finally {
      db.close();
    }
  };

  it('has the data the cases need: every component, spans without one, shared start times', () => {
    expect(rows).toHaveLength(SPANS);
    expect(new Set(rows.map((r) => r.component))).toEqual(new Set([...COMPONENTS, null]));
    expect(new Set(rows.map((r) => r.start_us)).size).toBeLessThan(SPANS / 1.5);
    expect(withDb((db) => spanComponents(db, { withNull: true }))).toEqual([null, ...[...COMPONENTS].sort()]);
    expect(withDb((db) => spanComponents(db))).toEqual([...COMPONENTS].sort());
  });

  it('lists the newest operations as a plain sort does (start, then row, descending), across and within components', () => {
    let listed = 0;
    for (const [sinceUs, untilUs] of WINDOWS) {
      for (const component of [undefined, 'llm', 'nonexistent']) {
        for (const minDurationMs of [undefined, 50]) {
          for (const limit of [1, 7, 60, 100_000]) {
            const got = withDb((db) =>
              recentOperations(db, { sinceUs, untilUs, component, minDurationMs, limit }).map((r) => r.spanId),
            );
            const want = rows
              .filter(
                (r) =>
                  r.component !== null &&
                  (component === undefined || r.component === component) &&
                  (minDurationMs === undefined || r.duration_ms >= minDurationMs) &&
                  r.start_us >= sinceUs &&
                  r.start_us < untilUs,
              )
              .sort((a, b) => b.start_us - a.start_us || b.id - a.id)
              .slice(0, limit)
              .map((r) => r.span_id);
            expect(got).toEqual(want);
            listed += got.length;
          }
        }
      }
    }
    expect(listed).toBeGreaterThan(SPANS); // not a vacuous pass
  });

  it('summarizes as a plain query does, exactly and from the rollup with edge minutes', () => {
    for (const [sinceUs, untilUs] of WINDOWS) {
      for (const component of [undefined, 'stt']) {
        const inWindow = rows.filter(
          (r) =>
            r.component !== null &&
            (component === undefined || r.component === component) &&
            r.start_us >= sinceUs &&
            r.start_us < untilUs,
        );
        const components = [...new Set(inWindow.map((r) => r.component as string))].sort();
        const exact = withDb((db) => summarizeComponents(db, { sinceUs, untilUs, component }));
        const rolled = withDb((db) => summarizeComponents(db, { sinceUs, untilUs, component, exactLimit: 0 }));
        expect(exact.map((s) => s.component)).toEqual(components);
        expect(rolled.map((s) => s.component)).toEqual(components);
        for (const c of components) {
          const spans = inWindow.filter((r) => r.component === c);
          const durations = spans.map((r) => r.duration_ms).sort((a, b) => a - b);
          const want = {
            count: spans.length,
            errors: spans.filter((r) => r.status_code === 2).length,
            minMs: durations[0],
            maxMs: durations[durations.length - 1],
          };
          const e = exact.find((s) => s.component === c)!;
          expect(e).toMatchObject({ ...want, percentiles: 'exact' });
          expect(e.avgMs).toBeCloseTo(durations.reduce((a, b) => a + b, 0) / durations.length, 9);
          expect([e.p50Ms, e.p95Ms, e.p99Ms]).toEqual([50, 95, 99].map((q) => exactPercentile(durations, q)));
          expect(rolled.find((s) => s.component === c)).toMatchObject(want);
        }
      }
    }
  });

  it('measures marks as the plain query over every span does', () => {
    const plain = withDb(
      (db) =>
        db
          .prepare(
            `SELECT s.component AS component, s.start_us AS startUs,
                    (min(json_extract(e.value, '$.time_us')) - s.start_us) / 1000.0 AS ms
               FROM spans s NOT INDEXED, json_each(s.events) e
              WHERE s.component IS NOT NULL AND json_extract(e.value, '$.name') = ?
              GROUP BY s.id`,
          )
          .all(MARK) as { component: string; startUs: number; ms: number }[],
    );
    for (const [sinceUs, untilUs] of WINDOWS) {
      const got = withDb((db) => markLatencies(db, { sinceUs, untilUs, mark: MARK }));
      const inWindow = plain.filter((r) => r.startUs >= sinceUs && r.startUs < untilUs);
      const components = [...new Set(inWindow.map((r) => r.component))].sort((a, b) => a.localeCompare(b));
      expect(got.map((m) => m.component)).toEqual(components);
      for (const m of got) {
        const values = inWindow
          .filter((r) => r.component === m.component)
          .map((r) => r.ms)
          .sort((a, b) => a - b);
        expect(m).toEqual({
          component: m.component,
          mark: MARK,
          count: values.length,
          p50Ms: exactPercentile(values, 50),
          p95Ms: exactPercentile(values, 95),
          p99Ms: exactPercentile(values, 99),
        });
      }
    }
  });

  it("gives db info's time range of spans as min and max over every row", () => {
    const spans = databaseStats(dataDir, 'performance_metrics').tables.find((t) => t.table === 'spans');
    expect(spans).toEqual({
      table: 'spans',
      rows: SPANS,
      oldestUs: Math.min(...rows.map((r) => r.start_us)),
      newestUs: Math.max(...rows.map((r) => r.start_us)),
    });
  });

  it('prunes by age exactly the spans (with a component or not) that started before the cutoff', () => {
    const cutoffsUs = [SINCE_US, UNTIL_US, (BASE_MS + MINUTES * 60_000) * 1000];
    for (const cutoffUs of cutoffsUs) {
      const copy = makeTempDir();
      const db = copyPerformanceDatabase(dataDir, copy);
      const [spans] = pruneDatabase(db, 'performance_metrics', { maxAgeDays: 1 }, cutoffUs / 1000 + 86_400_000);
      const kept = rows.filter((r) => r.start_us >= cutoffUs);
      expect(spans).toEqual({ table: 'spans', deleted: SPANS - kept.length });
      expect(db.prepare('SELECT id FROM spans ORDER BY id').pluck().all()).toEqual(
        kept.map((r) => r.id).sort((a, b) => a - b),
      );
      const firstMinute = db.prepare('SELECT min(minute_us) FROM span_rollup').pluck().get();
      expect(firstMinute).toBe(kept.length === 0 ? null : minuteOf(Math.min(...kept.map((r) => r.start_us))));
      db.close();
    }
  });

  it('reads every one of these through an index: no query plan scans the spans table', () => {
    const copy = makeTempDir();
    const writable = openDatabaseForWriting(
      databasePath(copy, 'performance_metrics'),
      migrationsFor('performance_metrics'),
    );
    // Calls through to better-sqlite3: the statements are those the queries really prepare.
    const prepare = jest.spyOn(BetterSqlite3.prototype, 'prepare');
    let statements: string[];
    try {
      withDb((db) => {
        const window = { sinceUs: SINCE_US, untilUs: UNTIL_US };
        recentOperations(db, window);
        recentOperations(db, { ...window, component: 'llm', minDurationMs: 5 });
        recentOperations(db, { ...window, errorsOnly: true });
        recentOperations(db, { ...window, order: 'slowest' });
        summarizeComponents(db, window);
        summarizeComponents(db, { ...window, exactLimit: 0 });
        summarizeComponents(db, { ...window, component: 'stt', exactLimit: 0 });
        markLatencies(db, { ...window, mark: MARK });
        errorBreakdown(db, window);
        recentTurns(db, window);
      });
      databaseStats(dataDir, 'performance_metrics');
      pruneDatabase(writable, 'performance_metrics', { maxAgeDays: 1 }, BASE_MS + 86_400_000);
      statements = prepare.mock.calls.map(([source]) => source);
    } finally {
      prepare.mockRestore();
      writable.close();
    }
    // A count reads every entry whatever the plan; `db info` asks for it.
    const ofSpans = [...new Set(statements)].filter(
      (sql) => /\bspans\b/.test(sql) && sql !== 'SELECT count(*) FROM spans',
    );
    expect(ofSpans.length).toBeGreaterThan(15);
    const scans = withDb((db) =>
      ofSpans.flatMap((sql) => {
        const named = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1]))];
        const explain = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
        const plan = (
          named.length > 0
            ? explain.all(Object.fromEntries(named.map((name) => [name, null])))
            : explain.all(...new Array<null>(sql.split('?').length - 1).fill(null))
        ) as { detail: string }[];
        return plan.filter((step) => /^SCAN (spans|s)\b/.test(step.detail)).map((step) => `${step.detail}: ${sql}`);
      }),
    );
    expect(scans).toEqual([]);
  });
});
