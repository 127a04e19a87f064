import { trace } from '@opentelemetry/api';
import { ATTR_COMPONENT } from '@transcriber/instrumentation';
import { openForQuery, recentOperations, type OperationFilter } from '@transcriber/queries';
import { migrationsFor, openDatabaseForWriting, pruneDatabase } from '@transcriber/storage/databases';
import { databasePath } from '@transcriber/storage/files';
import type { Database } from 'better-sqlite3';
import { startTracing } from '../../../test/helpers/sqliteTelemetry';
import { seededRandom } from '../../../test/helpers/seededData';
import { copyPerformanceDatabase } from '../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const BASE_MS = Date.UTC(2026, 0, 1, 12);
const MINUTE_MS = 60_000;
const MINUTES = 8;
const SPANS = 3000;
/** The longest operations: a tie group larger than most limits, spread over minutes and components. */
const TIED_MS = 5000;

/** The answer without any cleverness: every matching row of the window, sorted. */
function reference(db: Database, filter: OperationFilter & { untilUs: number }) {
  const conditions = ['component IS NOT NULL', 'start_us >= @since', 'start_us < @until'];
  if (filter.component !== undefined) conditions.push('component = @component');
  if (filter.minDurationMs !== undefined) conditions.push('duration_ms >= @minDuration');
  if (filter.errorsOnly) conditions.push('status_code = 2');
  const order = filter.order === 'slowest' ? 'duration_ms DESC, start_us DESC, id DESC' : 'start_us DESC, id DESC';
  return db
    .prepare(
      `SELECT span_id AS spanId, start_us AS startUs, duration_ms AS durationMs FROM spans NOT INDEXED
        WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT @limit`,
    )
    .all({
      since: filter.sinceUs,
      until: filter.untilUs,
      component: filter.component ?? null,
      minDuration: filter.minDurationMs ?? null,
      limit: filter.limit ?? 20,
    });
}

const us = (ms: number) => ms * 1000;
const WINDOWS: { name: string; sinceUs: number; untilUs: number }[] = [
  { name: 'everything', sinceUs: us(BASE_MS - MINUTE_MS), untilUs: us(BASE_MS + (MINUTES + 2) * MINUTE_MS) },
  { name: 'edges inside minutes', sinceUs: us(BASE_MS + 90_500), untilUs: us(BASE_MS + 6 * MINUTE_MS + 17_250) },
  { name: 'whole minutes', sinceUs: us(BASE_MS + 2 * MINUTE_MS), untilUs: us(BASE_MS + 5 * MINUTE_MS) },
  // Spans start exactly on these instants: the first is in, the second out.
  { name: 'a boundary span each side', sinceUs: us(BASE_MS + MINUTE_MS), untilUs: us(BASE_MS + 4 * MINUTE_MS) },
  {
    name: 'inside one minute',
    sinceUs: us(BASE_MS + 3 * MINUTE_MS + 10_000),
    untilUs: us(BASE_MS + 3 * MINUTE_MS + 40_000),
  },
  { name: 'a microsecond', sinceUs: us(BASE_MS + 2 * MINUTE_MS), untilUs: us(BASE_MS + 2 * MINUTE_MS) + 1 },
  { name: 'no spans', sinceUs: us(BASE_MS + 20 * MINUTE_MS), untilUs: us(BASE_MS + 30 * MINUTE_MS) },
];
const FILTERS: Omit<OperationFilter, 'sinceUs'>[] = [
  {},
  { component: 'stt' },
  { component: 'none-such' },
  { minDurationMs: 400 },
  { minDurationMs: TIED_MS },
  { minDurationMs: TIED_MS + 0.5 },
  { errorsOnly: true },
  { errorsOnly: true, component: 'llm', minDurationMs: 100 },
];
const LIMITS = [1, 7, 20, 25, 40, 10_000];

/** Every window × filter × limit, slowest and newest first, against the reference. */
function expectSameAsReference(dataDir: string): number {
  const db = openForQuery(dataDir, 'performance_metrics');
  let compared = 0;
  try {
    for (const window of WINDOWS) {
      for (const filter of FILTERS) {
        for (const limit of LIMITS) {
          for (const order of ['slowest', 'recent'] as const) {
            const query = { ...window, ...filter, limit, order };
            const got = recentOperations(db, query).map(({ spanId, startUs, durationMs }) => ({
              spanId,
              startUs,
              durationMs,
            }));
            const want = reference(db, query);
            expect({ query, rows: got }).toEqual({ query, rows: want });
            compared += want.length;
          }
        }
      }
    }
  } finally {
    db.close();
  }
  return compared;
}

describe('slowest operations without an index on durations', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeTempDir();
    const pipeline = startTracing({ dataDir, retention: {} }, { batch: true });
    const tracer = trace.getTracer('slowest-test');
    const next = seededRandom(11);
    const record = (component: string | undefined, startMs: number, durationMs: number, failed: boolean) => {
      const span = tracer.startSpan(component === undefined ? 'no component' : `${component}.op`, {
        startTime: startMs,
        attributes: component === undefined ? {} : { [ATTR_COMPONENT]: component },
      });
      if (failed) span.setStatus({ code: 2 });
      span.end(startMs + durationMs);
    };
    const components = ['stt', 'llm', 'tts'];
    for (let i = 0; i < SPANS; i++) {
      // Whole milliseconds (exact in µs and ms), a coarse ladder of durations: many equal ones.
      const startMs = BASE_MS + Math.floor(next() * MINUTES * MINUTE_MS);
      const durationMs = Math.round(Math.exp(next() * 7));
      record(components[i % 3], startMs, durationMs, next() < 0.06);
    }
    // Longer than every operation, but no component: never listed.
    for (let i = 0; i < 50; i++) record(undefined, BASE_MS + i * 9_000, 20_000 + i, false);
    // The tie group: equal longest durations, several sharing a start, some on minute boundaries.
    for (let i = 0; i < 30; i++) {
      const startMs = i % 3 === 0 ? BASE_MS + (i % 9) * MINUTE_MS : BASE_MS + 1000 + (i % 5) * 37_000;
      record(components[i % 3], startMs, TIED_MS, i % 4 === 0);
    }
    // Boundary instants of the windows above, and a millisecond before them.
    for (const minute of [1, 2, 3, 4, 5, 6]) {
      record('tts', BASE_MS + minute * MINUTE_MS, 2000 + minute, false);
      record('stt', BASE_MS + minute * MINUTE_MS - 1, 2000 + minute, minute % 2 === 0);
    }
    await pipeline.flush();
    await pipeline.shutdown();
  });

  it('gives exactly the rows of a full sort for every window, filter and limit', () => {
    // Guards against a vacuous pass: most cases do find rows.
    expect(expectSameAsReference(dataDir)).toBeGreaterThan(10_000);
  });

  it('stays exact after retention pruned spans out of minutes the rollup still describes', () => {
    const copy = makeTempDir();
    const db = copyPerformanceDatabase(dataDir, copy);
    // The oldest rows by id go: spans of every minute, the tie group among them, so the rollup's
    // maxima now overstate what is left.
    pruneDatabase(db, 'performance_metrics', { maxRowsPerTable: 1500 });
    expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(1500);
    db.close();
    expect(expectSameAsReference(copy)).toBeGreaterThan(5_000);
  });

  it('finds the same rows in spans written before the rollup and migrated (versions 1 → 4)', () => {
    const old = makeTempDir();
    const v1 = openDatabaseForWriting(
      databasePath(old, 'performance_metrics'),
      migrationsFor('performance_metrics').slice(0, 1),
    );
    v1.exec(`ATTACH '${databasePath(dataDir, 'performance_metrics')}' AS src`);
    v1.exec('INSERT INTO resources SELECT * FROM src.resources; INSERT INTO spans SELECT * FROM src.spans');
    v1.exec('DETACH src');
    v1.close();
    openDatabaseForWriting(databasePath(old, 'performance_metrics'), migrationsFor('performance_metrics')).close();
    expect(expectSameAsReference(old)).toBe(expectSameAsReference(dataDir));
  });

  it('drops the index on durations in migration 3 (and on start times in 4) and keeps the others', () => {
    const db = openForQuery(dataDir, 'performance_metrics');
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spans' AND sql IS NOT NULL")
      .pluck()
      .all();
    // Later versions (5: the rollup per resource) change no index of spans.
    expect(db.pragma('user_version', { simple: true })).toBe(migrationsFor('performance_metrics').length);
    db.close();
    expect([...indexes].sort()).toEqual(['spans_component_start', 'spans_errors', 'spans_trace']);
  });
});
