import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { pruneDatabaseFile } from '@transcriber/queries';
import { migrationsFor, openDatabaseForWriting, pruneDatabase, retainedTables } from '@transcriber/storage/databases';
import { DATABASE_NAMES, databasePath } from '@transcriber/storage/files';
import { BENCHMARK_ATTR, EVENT_BENCHMARK_RESULT, timeOperation } from '@transcriber/instrumentation';
import { logs } from '@opentelemetry/api-logs';
import { childExit, childSays, startChild } from '../../../test/helpers/children';
import { startLogs, startTracing } from '../../../test/helpers/sqliteTelemetry';
import { countRows, queryRows } from '../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

const CHILDREN = path.join(__dirname, 'children');

afterAll(removeTempDirs);

const NOW_MS = Date.UTC(2025, 5, 1);
const DAY_US = 86_400_000_000;
const daysAgoUs = (days: number, nowMs = NOW_MS) => nowMs * 1000 - days * DAY_US;

function performanceDb(dir: string): BetterSqlite3.Database {
  return openDatabaseForWriting(databasePath(dir, 'performance_metrics'), migrationsFor('performance_metrics'));
}

/** One span, metric point and snapshot per age (days ago), oldest first. */
function fillPerformance(db: BetterSqlite3.Database, ages: number[], nowMs = NOW_MS): void {
  const span = db.prepare(
    `INSERT INTO spans (trace_id, span_id, name, kind, start_us, end_us, duration_ms, status_code)
     VALUES ('t', ?, 'x', 0, ?, ?, 1, 0)`,
  );
  const point = db.prepare(
    `INSERT INTO metric_points (name, kind, start_us, time_us, value) VALUES ('m', 'sum', ?, ?, 1)`,
  );
  const snapshot = db.prepare('INSERT INTO resource_snapshots (time_us) VALUES (?)');
  for (const [i, age] of ages.entries()) {
    const timeUs = daysAgoUs(age, nowMs);
    span.run(`s${i}`, timeUs, timeUs + 1000);
    point.run(timeUs, timeUs);
    snapshot.run(timeUs);
  }
}

const counts = (db: BetterSqlite3.Database, tables: readonly string[]) =>
  tables.map((t) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get());

describe('pruneDatabase', () => {
  it('lists the tables it prunes for every database', () => {
    expect(retainedTables('performance_metrics')).toEqual(['spans', 'metric_points', 'resource_snapshots']);
    expect(retainedTables('optimization_logs')).toEqual(['optimization_actions', 'optimization_recommendations']);
    for (const name of DATABASE_NAMES) expect(retainedTables(name).length).toBeGreaterThan(0);
  });

  it('deletes rows older than maxAgeDays from every retained table', () => {
    const db = performanceDb(makeTempDir());
    fillPerformance(db, [40, 31, 29, 5, 0]);
    const result = pruneDatabase(db, 'performance_metrics', { maxAgeDays: 30 }, NOW_MS);
    expect(result).toEqual([
      { table: 'spans', deleted: 2 },
      { table: 'metric_points', deleted: 2 },
      { table: 'resource_snapshots', deleted: 2 },
    ]);
    expect(db.prepare('SELECT span_id FROM spans ORDER BY id').pluck().all()).toEqual(['s2', 's3', 's4']);
    db.close();
  });

  it('keeps the newest maxRowsPerTable rows', () => {
    const db = performanceDb(makeTempDir());
    fillPerformance(db, [9, 8, 7, 6, 5, 4, 3]);
    const result = pruneDatabase(db, 'performance_metrics', { maxRowsPerTable: 3 }, NOW_MS);
    expect(result.map((r) => r.deleted)).toEqual([4, 4, 4]);
    expect(db.prepare('SELECT span_id FROM spans ORDER BY id').pluck().all()).toEqual(['s4', 's5', 's6']);
    // Fewer rows than the limit: nothing to do.
    expect(pruneDatabase(db, 'performance_metrics', { maxRowsPerTable: 10 }, NOW_MS).map((r) => r.deleted)).toEqual([
      0, 0, 0,
    ]);
    db.close();
  });

  it('waits for another process writing the file, then prunes what it committed too (no stale read)', async () => {
    const dir = makeTempDir();
    const db = performanceDb(dir);
    fillPerformance(db, [9, 8, 7, 6, 5, 4, 3]);
    db.close();
    // The other process writes a span and commits while the prune waits for its lock. A prune that
    // read before taking the lock would fail on its stale snapshot (SQLITE_BUSY_SNAPSHOT).
    const writer = startChild(path.join(CHILDREN, 'holdLock.ts'), [
      databasePath(dir, 'performance_metrics'),
      '300',
      "INSERT INTO spans (trace_id, span_id, name, kind, start_us, end_us, duration_ms, status_code) VALUES ('t', 's7', 'x', 0, 1, 2, 1, 0)",
    ]);
    const done = childExit(writer);
    await childSays(writer, 'locked');
    const result = pruneDatabaseFile(dir, 'performance_metrics', { maxRowsPerTable: 3 });
    expect((await done).code).toBe(0);
    expect(result.tables.find((t) => t.table === 'spans')).toEqual({ table: 'spans', deleted: 5 });
    expect(queryRows(dir, 'performance_metrics', 'SELECT span_id FROM spans ORDER BY id')).toEqual(
      ['s5', 's6', 's7'].map((span_id) => ({ span_id })),
    );
  });

  it('applies both limits together, and nothing without a limit', () => {
    const db = performanceDb(makeTempDir());
    fillPerformance(db, [50, 40, 20, 10, 5, 1]);
    expect(pruneDatabase(db, 'performance_metrics', {}, NOW_MS).map((r) => r.deleted)).toEqual([0, 0, 0]);
    const result = pruneDatabase(db, 'performance_metrics', { maxAgeDays: 30, maxRowsPerTable: 3 }, NOW_MS);
    expect(result.map((r) => r.deleted)).toEqual([3, 3, 3]);
    expect(counts(db, ['spans', 'metric_points', 'resource_snapshots'])).toEqual([3, 3, 3]);
    db.close();
  });

  it.each(['profile_results', 'benchmark_results', 'optimization_logs'] as const)(
    'prunes the event tables of %s by time',
    (name) => {
      const db = openDatabaseForWriting(databasePath(makeTempDir(), name), migrationsFor(name));
      for (const table of retainedTables(name)) {
        const insert = db.prepare(`INSERT INTO ${table} (time_us, event_name) VALUES (?, 'e')`);
        for (const age of [100, 10, 1]) insert.run(daysAgoUs(age));
      }
      const result = pruneDatabase(db, name, { maxAgeDays: 30, maxRowsPerTable: 1 }, NOW_MS);
      expect(result).toEqual(retainedTables(name).map((table) => ({ table, deleted: 2 })));
      for (const table of retainedTables(name)) {
        expect(db.prepare(`SELECT time_us FROM ${table}`).pluck().all()).toEqual([daysAgoUs(1)]);
      }
      db.close();
    },
  );
});

describe('retention applied by the exporters', () => {
  it('prunes performance_metrics.db when the exporter first writes it', async () => {
    const dataDir = makeTempDir();
    const db = performanceDb(dataDir);
    fillPerformance(db, [40, 3, 2, 1], Date.now());
    db.close();
    const tracing = startTracing({ dataDir, retention: { maxAgeDays: 30, maxRowsPerTable: 2 } });
    timeOperation('stt', 'transcribe', () => 0);
    await tracing.flush();
    await tracing.shutdown();
    // Pruning ran before the new row: the 40-day-old row went by age, the 3-day-old one by count.
    expect(queryRows(dataDir, 'performance_metrics', 'SELECT span_id FROM spans ORDER BY id')).toEqual([
      { span_id: 's2' },
      { span_id: 's3' },
      { span_id: expect.stringMatching(/^[0-9a-f]{16}$/) },
    ]);
    expect(countRows(dataDir, 'performance_metrics', 'resource_snapshots')).toBe(2);
  });

  it('prunes an event database when it is first written, also after performance_metrics.db', async () => {
    const dataDir = makeTempDir();
    const name = 'benchmark_results';
    const db = openDatabaseForWriting(databasePath(dataDir, name), migrationsFor(name));
    db.prepare(`INSERT INTO benchmark_results (time_us, event_name, name) VALUES (?, ?, 'ancient')`).run(
      Date.now() * 1000 - 400 * DAY_US,
      EVENT_BENCHMARK_RESULT,
    );
    db.close();
    const retention = { maxAgeDays: 365 };
    // Spans are written first, so the data dir's performance writer exists before the event writer.
    const tracing = startTracing({ dataDir, retention });
    timeOperation('stt', 'transcribe', () => 0);
    await tracing.flush();
    const events = startLogs({ dataDir, retention });
    logs.getLogger('b').emit({ eventName: EVENT_BENCHMARK_RESULT, attributes: { [BENCHMARK_ATTR.NAME]: 'today' } });
    await events.flush();
    const names = queryRows<{ name: string }>(dataDir, name, 'SELECT name FROM benchmark_results ORDER BY id');
    await events.shutdown();
    await tracing.shutdown();
    expect(names.map((r) => r.name)).toEqual(['today']);
  });
});
