import BetterSqlite3 from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectOneLineError, recordWorkload, runCli } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

function count(dataDir: string, table: string): number {
  const db = new BetterSqlite3(path.join(dataDir, 'performance_metrics.db'), { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('transcriber db', () => {
  it('info: size, schema, and row count and time range per table, for each database', () => {
    const dataDir = makeTempDir();
    recordWorkload(dataDir, ['--turns', '3']);
    const info = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'db', 'info']).stdout);
    expect(info.databases.map((d: { name: string; exists: boolean }) => [d.name, d.exists])).toEqual([
      ['performance_metrics', true],
      ['profile_results', false],
      ['benchmark_results', false],
      ['optimization_logs', false],
    ]);
    const perf = info.databases[0];
    expect(perf.bytes).toBe(
      fs.statSync(path.join(dataDir, 'performance_metrics.db')).size +
        (fs.existsSync(path.join(dataDir, 'performance_metrics.db-wal'))
          ? fs.statSync(path.join(dataDir, 'performance_metrics.db-wal')).size
          : 0),
    );
    const spans = perf.tables.find((t: { table: string }) => t.table === 'spans');
    expect(spans.rows).toBe(count(dataDir, 'spans'));
    expect(spans.rows).toBe(12);
    expect(spans.oldestUs).toBeLessThan(spans.newestUs);
    expect(perf.tables.find((t: { table: string }) => t.table === 'resource_snapshots').rows).toBe(
      count(dataDir, 'resource_snapshots'),
    );
    const text = runCli(['--data-dir', dataDir, 'db', 'info']).stdout;
    expect(text).toMatch(/performance_metrics {2}[\d.]+ KiB.* {2}schema v\d+/);
    expect(text).toMatch(/\n {2}spans\s+12 {2}\d{4}-\d\d-\d\d /);
    expect(text).toContain('profile_results  not created yet');
  });

  it('prune deletes by age or row count; vacuum gives the space back', () => {
    const dataDir = makeTempDir();
    recordWorkload(dataDir, ['--turns', '40', '--old-minutes', String(3 * 24 * 60)]);
    const before = count(dataDir, 'spans');
    expect(before).toBe(161);
    const byAge = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'db', 'prune', '--older-than', '2']).stdout);
    const spansPruned = byAge.databases[0].tables.find((t: { table: string }) => t.table === 'spans');
    expect(spansPruned.deleted).toBe(1);
    expect(count(dataDir, 'spans')).toBe(160);
    const byRows = runCli([
      '--data-dir',
      dataDir,
      'db',
      'prune',
      '--max-rows',
      '10',
      '--database',
      'performance_metrics',
    ]);
    expect(byRows.status).toBe(0);
    expect(byRows.stdout).toMatch(/performance_metrics\s+spans\s+150/);
    expect(byRows.stdout).toContain('transcriber db vacuum');
    expect(count(dataDir, 'spans')).toBe(10);
    const vacuum = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'db', 'vacuum']).stdout);
    const [perf] = vacuum.databases;
    expect(perf.name).toBe('performance_metrics');
    expect(perf.bytesAfter).toBeLessThan(perf.bytesBefore);
    expect(perf.bytesAfter).toBe(fs.statSync(path.join(dataDir, 'performance_metrics.db')).size);
    // The remaining rows are still there and readable.
    expect(
      JSON.parse(runCli(['--data-dir', dataDir, '--json', 'traces', '--limit', '50']).stdout).operations,
    ).toHaveLength(10);
  });

  it('prune needs a rule; maintenance never creates a database', () => {
    const dataDir = makeTempDir();
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'db', 'prune']),
      2,
      /db prune needs --older-than <days> and\/or --max-rows <n>/,
    );
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'db', 'prune', '--older-than', 'soon']),
      2,
      /--older-than expects a positive number/,
    );
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'db', 'vacuum', '--database', 'metrics']),
      2,
      /unknown --database value "metrics"; valid values: performance_metrics, profile_results, benchmark_results, optimization_logs/,
    );
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'db', 'vacuum']),
      1,
      /performance_metrics\.db does not exist: nothing has been recorded/,
    );
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
