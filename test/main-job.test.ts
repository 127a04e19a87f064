import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { COMPONENT_TYPES } from '@transcriber/instrumentation';
import { openForQuery, summarizeComponents } from '@transcriber/queries';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

afterAll(removeTempDirs);

// The README's main job (`npm start` runs scripts/demo-workload.js): every component type is
// recorded, some operations fail, and the printed summary is what the database holds.
describe('main job', () => {
  const dataDir = makeTempDir('transcriber-main-job-');
  const run = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'demo-workload.js'), '--turns', '5'], {
    encoding: 'utf8',
    env: { ...process.env, TRANSCRIBER_PERF_DATA_DIR: dataDir },
    timeout: 60_000,
  });

  it('runs to completion', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('records every component type, with failures, in performance_metrics.db', () => {
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      const rows = summarizeComponents(db, { sinceUs: 0 });
      expect(rows.map((r) => r.component).sort()).toEqual([...COMPONENT_TYPES].sort());
      const byComponent = Object.fromEntries(rows.map((r) => [r.component, r]));
      expect(byComponent.pipeline.count).toBe(5);
      expect(byComponent.llm.errors).toBe(1);
      expect(byComponent.tool.errors).toBe(1);
      expect(
        db.prepare('SELECT count(DISTINCT error_type) FROM spans WHERE error_type IS NOT NULL').pluck().get(),
      ).toBe(2);
      expect(db.prepare('SELECT count(*) FROM metric_points').pluck().get()).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('prints the per-component summary read back from the database', () => {
    const db = openForQuery(dataDir, 'performance_metrics');
    const rows = summarizeComponents(db, { sinceUs: 0 });
    db.close();
    const printed = run.stdout.split('\n').filter((line) => /^[a-z_]+\s+\d+\s+\d+/.test(line));
    expect(printed).toHaveLength(COMPONENT_TYPES.length);
    for (const row of rows) {
      const line = printed.find((l) => l.startsWith(`${row.component} `));
      expect(line?.split(/\s+/).slice(0, 3)).toEqual([row.component, String(row.count), String(row.errors)]);
      expect(line).toContain(row.p95Ms.toFixed(1));
    }
  });
});
