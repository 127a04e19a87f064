/**
 * The standard OTel forceFlush() is durable: once the tracer, meter and logger providers' flushes
 * resolve, everything recorded before is committed, and a kill -9 right after loses nothing — with
 * PerformanceIntegration and with the preload (issue 18, item 2: the exporters acknowledged
 * batches before writing them and the SDK's batch processors never call an exporter's own
 * forceFlush, so 0 rows were on disk after a flush for 100, 2,000 and 8,000 spans).
 *
 * The app reports the row counts it reads right after its flush resolves (so the check does not
 * depend on how fast the kill comes), then is killed with SIGKILL and the files are read again.
 */
import * as path from 'node:path';
import { countRows, queryRows } from './helpers/sqlite';
import { cleanEnv } from './helpers/cleanEnv';
import { startNode, tempProject } from './helpers/preloadedProcess';
import { removeTempDirs } from './helpers/tempDir';

afterAll(removeTempDirs);

const APP = path.join(__dirname, 'fixtures', 'flush-then-wait.js');

interface Stored {
  spans: number;
  ops: number;
  events: number;
}

async function flushThenKill(
  mode: 'integration' | 'preload',
  count: number,
): Promise<{ atFlush: Stored; afterKill: Stored }> {
  const project = tempProject();
  const args = [APP, project.dataDir, String(count), mode];
  const app = startNode(mode === 'preload' ? ['--require', '@transcriber/node/register', ...args] : args, {
    cwd: project.dir,
    env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
  });
  const line = await app.waitForLine(/^\{/, 60_000);
  app.kill('SIGKILL');
  const exit = await app.exited;
  expect(exit.signal).toBe('SIGKILL');
  const afterKill: Stored = {
    spans: queryRows<{ n: number }>(
      project.dataDir,
      'performance_metrics',
      "SELECT count(*) AS n FROM spans WHERE name = 'flush-test'",
    )[0].n,
    ops:
      queryRows<{ n: number | null }>(
        project.dataDir,
        'performance_metrics',
        "SELECT sum(value) AS n FROM metric_points WHERE name = 'flush_test.ops'",
      )[0].n ?? 0,
    events: countRows(project.dataDir, 'optimization_logs', 'optimization_actions'),
  };
  return { atFlush: JSON.parse(line) as Stored, afterKill };
}

describe('forceFlush() is durable', () => {
  for (const mode of ['integration', 'preload'] as const) {
    for (const count of [100, 512, 2_000, 8_000]) {
      it(`${mode}: ${count} spans, counter increments and events committed when the flush resolves, kept after kill -9`, async () => {
        const expected: Stored = { spans: count, ops: count, events: Math.min(count, 2_000) };
        const { atFlush, afterKill } = await flushThenKill(mode, count);
        expect(atFlush).toEqual(expected);
        expect(afterKill).toEqual(expected);
      });
    }
  }
});
