/**
 * OTEL_METRICS_EXPORTER=prometheus serves the app's metrics on 127.0.0.1 (only) at the configured
 * port, in an exposition promtool accepts, next to the SQLite exporter.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { freePort } from '../../../../test/helpers/prometheus';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import {
  startNode,
  tempProject,
  type ProcessResult,
  type RunningProcess,
} from '../../../../test/helpers/preloadedProcess';
import { storedSpans } from '../../../../test/helpers/storedSpans';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

const FILES = {
  'transcriber.config.json': JSON.stringify({
    instrument: [{ module: './work.js', export: 'step', component: 'stt' }],
  }),
  'work.js': `exports.step = function step(n) { return n + 1; };`,
  'app.js': `
    const { step } = require('./work.js');
    step(1);
    setInterval(() => step(2), 20);
    console.log('ready');`,
};

/** GET the endpoint, retrying while its server is still starting. */
async function scrape(url: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url);
      return await response.text();
    } catch (err) {
      if (attempt > 100) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

let port: number;
let app: RunningProcess;
let exposition: string;
let result: ProcessResult;
let dataDir: string;

beforeAll(async () => {
  port = await freePort();
  const project = tempProject(FILES);
  dataDir = project.dataDir;
  app = startNode(['--require', '@transcriber/node/register', 'app.js'], {
    cwd: project.dir,
    env: cleanEnv({
      OTEL_METRICS_EXPORTER: 'prometheus,sqlite',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      TRANSCRIBER_PERF_DATA_DIR: dataDir,
    }),
  });
  await app.waitForLine(/^ready$/);
  // A figure not measured yet (the event-loop delay before the loop has ticked twice) has no series
  // rather than a 0: scrape until the first measurements are in.
  for (const deadline = Date.now() + 10_000; ;) {
    exposition = await scrape(`http://127.0.0.1:${port}/metrics`);
    if (/^nodejs_eventloop_delay_p99\{/m.test(exposition) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  app.kill('SIGTERM');
  result = await app.exited;
});
afterAll(removeTempDirs);

it('serves our operation, resource and runtime metrics', () => {
  for (const name of [
    'transcriber_operation_duration_bucket',
    'transcriber_operations',
    'process_memory_usage',
    'nodejs_eventloop_delay_p99',
    'nodejs_eventloop_utilization',
    'v8js_memory_heap_used',
  ]) {
    expect(exposition).toMatch(new RegExp(`^${name}(_total)?\\{[^}]*\\} `, 'm'));
  }
  expect(exposition).toMatch(/^transcriber_operations(_total)?\{[^}]*transcriber_component="stt"[^}]*\} [1-9]/m);
});

it('passes promtool check metrics', () => {
  const check = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  expect(check.error).toBeUndefined(); // promtool comes with the Debian package prometheus (scripts/install-system-deps.sh)
  expect(`${check.stdout}${check.stderr}`.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
  expect(check.status).toBe(0);
});

it('listens on the loopback interface only', async () => {
  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
  if (external === undefined) return; // a machine with loopback only has nothing else to reach
  await expect(fetch(`http://${external.address}:${port}/metrics`)).rejects.toThrow();
});

it('still writes SQLite, and exits on SIGTERM as without the preload', async () => {
  app.kill('SIGTERM');
  result = await app.exited;
  expect(result).toMatchObject({ code: null, signal: 'SIGTERM', stderr: '' });
  expect(storedSpans(dataDir).filter((s) => s.component === 'stt').length).toBeGreaterThan(0);
});
