import { databaseStats, openForQuery, recentOperations } from '@transcriber/queries';
import { migrationsFor, openDatabaseForWriting } from '@transcriber/storage/databases';
import { databasePath } from '@transcriber/storage/files';
import type { Database } from 'better-sqlite3';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const spanIndexes = (db: Database) =>
  db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spans' AND sql IS NOT NULL ORDER BY name",
    )
    .pluck()
    .all();

describe('performance_metrics schema', () => {
  it('migrates a version 3 database to 4: drops spans_start, keeps every row and the other indexes', () => {
    const dataDir = makeTempDir();
    const file = databasePath(dataDir, 'performance_metrics');
    const v3 = openDatabaseForWriting(file, migrationsFor('performance_metrics').slice(0, 3));
    const T = 1_780_000_000_000_000; // µs
    const insert = v3.prepare(
      `INSERT INTO spans (trace_id, span_id, name, kind, component, operation, start_us, end_us, duration_ms, status_code)
       VALUES (?, ?, ?, 0, ?, 'op', ?, ?, ?, ?)`,
    );
    const specs: [string | null, number, number, number][] = [
      ['stt', T, 120, 0],
      ['llm', T, 900, 2],
      [null, T + 5, 10, 0],
      ['stt', T + 70_000_000, 80, 0],
      ['tts', T + 70_000_000, 300, 0],
    ];
    specs.forEach(([component, startUs, ms, status], i) =>
      insert.run(`t${i}`, `s${i}`, `${component}.op`, component, startUs, startUs + ms * 1000, ms, status),
    );
    v3.exec(
      `INSERT INTO span_rollup (minute_us, component, bucket, count, errors, sum_ms, min_ms, max_ms)
         SELECT start_us - start_us % 60000000, component, CAST(floor(log2(max(duration_ms, 0.001)) * 16) AS INTEGER),
                count(*), sum(status_code = 2), sum(duration_ms), min(duration_ms), max(duration_ms)
           FROM spans WHERE component IS NOT NULL GROUP BY 1, 2, 3`,
    );
    expect(spanIndexes(v3)).toEqual(['spans_component_start', 'spans_errors', 'spans_start', 'spans_trace']);
    const spansBefore = v3.prepare('SELECT * FROM spans ORDER BY id').all();
    const rollupBefore = v3.prepare('SELECT * FROM span_rollup').all();
    v3.close();

    const db = openDatabaseForWriting(file, migrationsFor('performance_metrics'));
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(spanIndexes(db)).toEqual(['spans_component_start', 'spans_errors', 'spans_trace']);
    expect(db.prepare('SELECT * FROM spans ORDER BY id').all()).toEqual(spansBefore);
    expect(db.prepare('SELECT * FROM span_rollup').all()).toEqual(rollupBefore);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const read = openForQuery(dataDir, 'performance_metrics');
    const newest = recentOperations(read, { sinceUs: T, untilUs: T + 3_600_000_000 });
    read.close();
    expect(newest.map((r) => r.spanId)).toEqual(['s4', 's3', 's1', 's0']);
    expect(databaseStats(dataDir, 'performance_metrics').tables.find((t) => t.table === 'spans')).toEqual({
      table: 'spans',
      rows: 5,
      oldestUs: T,
      newestUs: T + 70_000_000,
    });
  });
});
