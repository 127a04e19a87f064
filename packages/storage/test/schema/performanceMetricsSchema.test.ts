import { databaseStats, errorBreakdown, openForQuery, recentOperations } from '@transcriber/queries';
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
  it('migrates a version 3 database to 4 and on: drops spans_start, keeps every row and the other indexes', () => {
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
    expect(db.pragma('user_version', { simple: true })).toBe(migrationsFor('performance_metrics').length);
    expect(spanIndexes(db)).toEqual(['spans_component_start', 'spans_errors', 'spans_trace']);
    expect(db.prepare('SELECT * FROM spans ORDER BY id').all()).toEqual(spansBefore);
    // Version 5 keys the rollup by resource too; these spans have none (resource 0).
    expect(db.prepare('SELECT * FROM span_rollup').all()).toEqual(rollupBefore.map((r) => ({ ...r, resource_id: 0 })));
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

  it('migrates version 4 to 5: the rollup rebuilt per resource from the spans, adding up to the old one', () => {
    const dataDir = makeTempDir();
    const file = databasePath(dataDir, 'performance_metrics');
    const v4 = openDatabaseForWriting(file, migrationsFor('performance_metrics').slice(0, 4));
    const T = 1_779_999_960_000_000; // µs, a minute boundary
    const resource = v4.prepare('INSERT INTO resources (service_name, attributes) VALUES (?, ?) RETURNING id').pluck();
    const agent = resource.get('voice-agent', '{"service.name":"voice-agent"}') as number;
    const bench = resource.get('transcriber-benchmark', '{"service.name":"transcriber-benchmark"}') as number;
    const insert = v4.prepare(
      `INSERT INTO spans (trace_id, span_id, name, kind, component, operation, start_us, end_us, duration_ms, status_code,
         resource_id) VALUES (?, ?, ?, 0, ?, 'op', ?, ?, ?, ?, ?)`,
    );
    const specs: [string | null, number, number, number, number | null][] = [
      ['stt', T, 120, 0, agent],
      ['stt', T + 1000, 121, 2, agent],
      ['stt', T + 2000, 120.5, 0, bench],
      ['stt', T + 3000, 119, 0, null],
      [null, T + 5, 10, 0, agent],
      ['tts', T + 70_000_000, 300, 0, bench],
    ];
    specs.forEach(([component, startUs, ms, status, resourceId], i) =>
      insert.run(`t${i}`, `s${i}`, `${component}.op`, component, startUs, startUs + ms * 1000, ms, status, resourceId),
    );
    v4.exec(
      `INSERT INTO span_rollup (minute_us, component, bucket, count, errors, sum_ms, min_ms, max_ms)
         SELECT start_us - start_us % 60000000, component, CAST(floor(log2(max(duration_ms, 0.001)) * 16) AS INTEGER),
                count(*), sum(status_code = 2), sum(duration_ms), min(duration_ms), max(duration_ms)
           FROM spans WHERE component IS NOT NULL GROUP BY 1, 2, 3`,
    );
    const oldRollup = v4.prepare('SELECT * FROM span_rollup ORDER BY minute_us, component, bucket').all();
    expect(oldRollup).toHaveLength(2);
    v4.close();

    const db = openDatabaseForWriting(file, migrationsFor('performance_metrics').slice(0, 5));
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    const bucket = Math.floor(Math.log2(120) * 16);
    expect(db.prepare('SELECT * FROM span_rollup ORDER BY minute_us, component, resource_id').all()).toEqual([
      {
        minute_us: T,
        component: 'stt',
        resource_id: 0,
        bucket,
        count: 1,
        errors: 0,
        sum_ms: 119,
        min_ms: 119,
        max_ms: 119,
      },
      {
        minute_us: T,
        component: 'stt',
        resource_id: agent,
        bucket,
        count: 2,
        errors: 1,
        sum_ms: 241,
        min_ms: 120,
        max_ms: 121,
      },
      {
        minute_us: T,
        component: 'stt',
        resource_id: bench,
        bucket,
        count: 1,
        errors: 0,
        sum_ms: 120.5,
        min_ms: 120.5,
        max_ms: 120.5,
      },
      {
        minute_us: T + 60_000_000,
        component: 'tts',
        resource_id: bench,
        bucket: Math.floor(Math.log2(300) * 16),
        count: 1,
        errors: 0,
        sum_ms: 300,
        min_ms: 300,
        max_ms: 300,
      },
    ]);
    // The per-resource rows add up to the old rollup's.
    const totals = db
      .prepare(
        `SELECT minute_us, component, bucket, sum(count) AS count, sum(errors) AS errors, sum(sum_ms) AS sum_ms,
                min(min_ms) AS min_ms, max(max_ms) AS max_ms
           FROM span_rollup GROUP BY minute_us, component, bucket ORDER BY minute_us, component, bucket`,
      )
      .all();
    expect(totals).toEqual(oldRollup);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('migrates version 6 to 7: the index of failed spans covers what error listings read, failed spans only', () => {
    const dataDir = makeTempDir();
    const file = databasePath(dataDir, 'performance_metrics');
    const v6 = openDatabaseForWriting(file, migrationsFor('performance_metrics').slice(0, 6));
    const insert = v6.prepare(
      `INSERT INTO spans (trace_id, span_id, name, kind, component, operation, start_us, end_us, duration_ms, status_code,
         error_type) VALUES (?, ?, 'stt.op', 0, 'stt', 'op', ?, ?, 1, ?, ?)`,
    );
    for (let i = 0; i < 10; i++)
      insert.run(`t${i}`, `s${i}`, i, i + 1000, i % 3 === 0 ? 2 : 0, i % 3 === 0 ? 'E' : null);
    v6.close();
    const db = openDatabaseForWriting(file, migrationsFor('performance_metrics'));
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(spanIndexes(db)).toEqual(['spans_component_start', 'spans_errors', 'spans_trace']);
    expect(db.prepare("SELECT name FROM pragma_index_info('spans_errors') ORDER BY seqno").pluck().all()).toEqual([
      'start_us',
      'component',
      'error_type',
      'resource_id',
    ]);
    db.close();
    const read = openForQuery(dataDir, 'performance_metrics');
    const plan = read
      .prepare(
        `EXPLAIN QUERY PLAN SELECT component, error_type, count(*) FROM spans INDEXED BY spans_errors
          WHERE status_code = 2 AND start_us >= 0 AND start_us < 100 AND resource_id IS NULL GROUP BY 1, 2`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toContain('USING COVERING INDEX spans_errors');
    expect(errorBreakdown(read, { sinceUs: 0, untilUs: 100 })).toEqual([
      { component: 'stt', errorType: 'E', count: 4 },
    ]);
    read.close();
  });
});
