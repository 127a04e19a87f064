/**
 * The live half of the collector stack's proof (the structural half is collector-stack.test.ts): a
 * pipeline app runs under the built preload with SQLite and Prometheus metrics on; its /metrics
 * serves every series the dashboards query, promtool accepts it, and a real Prometheus server
 * scraping it on loopback reports per-component p95 latencies that agree with the SQLite summary
 * of the same operations within the histogram's bucket error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OPERATION_DURATION_BUCKETS_S } from '@transcriber/instrumentation';
import { openForQuery, summarizeComponents, type ComponentSummary } from '@transcriber/queries';
import { metricNamesIn, promqlQueries, promtool, sanitizeName, substituteGrafanaVariables } from './helpers/promql';
import { cleanEnv, startNode, tempProject, type RunningProcess } from './preload/helpers/preloadedProcess';

const ROOT = path.resolve(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures/staged-pipeline.js');
const WORK_SECONDS = 8;
const COMPONENTS = ['llm', 'stt', 'tts', 'vad'];

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Calls `probe` every 100 ms until it returns a value (not undefined), or fails after `timeoutMs`. */
async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err; // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms (last error: ${String(lastError)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Sample {
  metric: Record<string, string>;
  value: number;
}

/** An instant query through Prometheus' HTTP API. */
async function query(prometheusPort: number, expr: string): Promise<Sample[]> {
  const url = `http://127.0.0.1:${prometheusPort}/api/v1/query?query=${encodeURIComponent(expr)}`;
  const body = (await (await fetch(url)).json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

const byComponent = (samples: Sample[]): Record<string, number> =>
  Object.fromEntries(samples.map((s) => [s.metric.transcriber_component, s.value]));

/** The bucket (lower, upper] of OPERATION_DURATION_BUCKETS_S holding `seconds`. */
function bucketOf(seconds: number): [number, number] {
  const upper = OPERATION_DURATION_BUCKETS_S.findIndex((bound) => seconds <= bound);
  if (upper < 0) return [OPERATION_DURATION_BUCKETS_S[OPERATION_DURATION_BUCKETS_S.length - 1], Infinity];
  return [upper === 0 ? 0 : OPERATION_DURATION_BUCKETS_S[upper - 1], OPERATION_DURATION_BUCKETS_S[upper]];
}

let project: { dir: string; dataDir: string };
let promDir: string;
let app: RunningProcess | undefined;
let prometheus: ChildProcess | undefined;
let prometheusExited: Promise<void> | undefined;
let prometheusLog = '';
let prometheusPort: number;
let exposition: string;
let prometheusP95: Record<string, number>;
let prometheusCounts: Record<string, number>;
let prometheusErrors: Record<string, number>;
let ratedP95: Record<string, number>;
let sqliteSummary: ComponentSummary[];

beforeAll(async () => {
  const appPort = await freePort();
  prometheusPort = await freePort();
  project = tempProject();
  app = startNode(['--require', '@transcriber/node/register', FIXTURE, String(WORK_SECONDS)], {
    cwd: project.dir,
    env: cleanEnv({
      OTEL_METRICS_EXPORTER: 'sqlite,prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(appPort),
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      TRANSCRIBER_PERF_DATA_DIR: project.dataDir,
    }),
  });

  promDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-prometheus-'));
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s' },
    scrape_configs: [{ job_name: 'voice-agent', static_configs: [{ targets: [`127.0.0.1:${appPort}`] }] }],
  };
  fs.writeFileSync(path.join(promDir, 'prometheus.yml'), JSON.stringify(config)); // JSON is YAML
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${path.join(promDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(promDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  prometheus.stderr!.setEncoding('utf8').on('data', (text: string) => (prometheusLog += text));
  const started = prometheus;
  prometheusExited = new Promise((resolve) => started.on('close', () => resolve()));
  prometheus.on(
    'error',
    (err) => (prometheusLog += `${err.message} (the Debian package prometheus: scripts/install-system-deps.sh)\n`),
  );
  await poll(`Prometheus ready on 127.0.0.1:${prometheusPort}; log: ${prometheusLog}`, 30_000, async () =>
    (await fetch(`http://127.0.0.1:${prometheusPort}/-/ready`)).ok ? true : undefined,
  );

  await app.waitForLine(/^done$/, (WORK_SECONDS + 30) * 1000);
  // The workload is over: what the endpoint serves now is final, and Prometheus has all of it
  // once it has scraped the same operation count.
  exposition = await (await fetch(`http://127.0.0.1:${appPort}/metrics`)).text();
  const total = [...exposition.matchAll(/^transcriber_operations_total\{[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
  expect(total).toBeGreaterThan(0);
  await poll('Prometheus scraped the final counts', 15_000, async () => {
    const [sample] = await query(prometheusPort, 'sum(transcriber_operations_total)');
    return sample?.value === total ? true : undefined;
  });
  // The whole run: the cumulative buckets of the last scrape.
  prometheusP95 = byComponent(
    await query(
      prometheusPort,
      'histogram_quantile(0.95, sum by (le, transcriber_component) (transcriber_operation_duration_bucket))',
    ),
  );
  prometheusCounts = byComponent(
    await query(prometheusPort, 'sum by (transcriber_component) (transcriber_operation_duration_count)'),
  );
  prometheusErrors = byComponent(
    await query(prometheusPort, 'sum by (transcriber_component) (transcriber_operation_errors_total)'),
  );
  // The dashboard's form: a rate over a window.
  ratedP95 = byComponent(
    await query(
      prometheusPort,
      'histogram_quantile(0.95, sum by (le, transcriber_component) (rate(transcriber_operation_duration_bucket[1m])))',
    ),
  );

  app.kill('SIGTERM');
  const result = await app.exited;
  app = undefined;
  expect(result).toMatchObject({ signal: 'SIGTERM', stderr: '' });
  const db = openForQuery(project.dataDir, 'performance_metrics');
  try {
    sqliteSummary = summarizeComponents(db, { sinceUs: 0 });
  } finally {
    db.close();
  }
}, 120_000);

afterAll(async () => {
  if (app !== undefined) {
    app.kill('SIGKILL');
    await app.exited;
  }
  if (prometheus !== undefined && prometheus.exitCode === null && prometheus.signalCode === null) {
    prometheus.kill('SIGTERM');
    await prometheusExited;
  }
  for (const dir of [promDir, project?.dir]) if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

it("serves every series the dashboards query, except the collector's span-derived ones", () => {
  const served = new Set(
    exposition
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line)![0]),
  );
  // The spanmetrics connector makes these from spans inside the collector; no app serves them.
  const collector = parseYaml(fs.readFileSync(path.join(ROOT, 'otel-collector.yaml'), 'utf8'));
  const collectorPrefix = `${sanitizeName(collector.connectors.spanmetrics.namespace)}_`;
  const missing: string[] = [];
  let checked = 0;
  for (const { where, expr } of promqlQueries()) {
    for (const name of metricNamesIn(substituteGrafanaVariables(expr))) {
      if (name.startsWith(collectorPrefix)) continue;
      checked++;
      if (!served.has(name)) missing.push(`${where}: ${name}`);
    }
  }
  expect(missing).toEqual([]);
  expect(checked).toBeGreaterThan(10);
});

it('passes promtool check metrics', () => {
  const { status, output } = promtool(['check', 'metrics'], exposition);
  expect(output.split('\n').filter((line) => line.trim() !== '')).toEqual([]);
  expect(status).toBe(0);
});

it('Prometheus counted every operation and every failure SQLite recorded', () => {
  const sqliteCounts = Object.fromEntries(sqliteSummary.map((s) => [s.component, s.count]));
  expect(Object.keys(sqliteCounts).sort()).toEqual(COMPONENTS);
  expect(prometheusCounts).toEqual(sqliteCounts);
  const sqliteErrors = Object.fromEntries(
    sqliteSummary.filter((s) => s.errors > 0).map((s) => [s.component, s.errors]),
  );
  expect(Object.keys(sqliteErrors)).toEqual(['stt']);
  expect(prometheusErrors).toEqual(sqliteErrors);
});

it("Prometheus' p95 per component is in the bucket of SQLite's exact p95", () => {
  const rows = sqliteSummary.map(({ component, p95Ms }) => {
    const [lower, upper] = bucketOf(prometheusP95[component]);
    return {
      component,
      prometheusP95Ms: prometheusP95[component] * 1000,
      sqliteP95Ms: p95Ms,
      bucketMs: [lower * 1000, upper * 1000],
    };
  });
  console.log(rows.map((r) => `${r.component}: ${JSON.stringify(r)}`).join('\n'));
  for (const row of rows) {
    expect({ ...row, inBucket: row.sqliteP95Ms >= row.bucketMs[0] && row.sqliteP95Ms <= row.bucketMs[1] }).toEqual({
      ...row,
      inBucket: true,
    });
  }
});

it("answers the dashboard's rate form of the p95 query for every component", () => {
  expect(Object.keys(ratedP95).sort()).toEqual(COMPONENTS);
  for (const value of Object.values(ratedP95)) expect(Number.isFinite(value) && value > 0).toBe(true);
});
