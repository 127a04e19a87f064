/**
 * The live half of the collector stack's proof (the structural half is collector-stack.test.ts): a
 * pipeline app runs under the built preload with SQLite and Prometheus metrics on; its /metrics
 * serves every series the dashboards query, promtool accepts it, and a real Prometheus server
 * scraping it on loopback reports per-component p95 latencies that agree with the SQLite summary
 * of the same operations within the histogram's bucket error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OPERATION_DURATION_BUCKETS_S } from '@transcriber/instrumentation';
import { openForQuery, summarizeComponents, type ComponentSummary } from '@transcriber/queries';
import { freePort, poll, startPrometheus, type PrometheusServer, type Sample } from './helpers/prometheus';
import {
  metricNamesIn,
  promqlQueries,
  promtool,
  sanitizeName,
  substituteGrafanaVariables,
  type Query,
} from './helpers/promql';
import { cleanEnv } from './helpers/cleanEnv';
import { startNode, tempProject, type RunningProcess } from './helpers/preloadedProcess';
import { removeTempDirs } from './helpers/tempDir';

const ROOT = path.resolve(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures/staged-pipeline.js');
const WORK_SECONDS = 8;
const COMPONENTS = ['llm', 'pipeline', 'stt', 'tts', 'vad'];

const byComponent = (samples: Sample[]): Record<string, number> =>
  Object.fromEntries(samples.map((s) => [s.metric.transcriber_component, s.value]));

/** The bucket (lower, upper] of OPERATION_DURATION_BUCKETS_S holding `seconds`. */
function bucketOf(seconds: number): [number, number] {
  const upper = OPERATION_DURATION_BUCKETS_S.findIndex((bound) => seconds <= bound);
  if (upper < 0) return [OPERATION_DURATION_BUCKETS_S[OPERATION_DURATION_BUCKETS_S.length - 1], Infinity];
  return [upper === 0 ? 0 : OPERATION_DURATION_BUCKETS_S[upper - 1], OPERATION_DURATION_BUCKETS_S[upper]];
}

let project: { dir: string; dataDir: string };
let app: RunningProcess | undefined;
let prometheus: PrometheusServer | undefined;
let exposition: string;
let prometheusP95: Record<string, number>;
let prometheusCounts: Record<string, number>;
let prometheusErrors: Record<string, number>;
let ratedP95: Record<string, number>;
let panelAnswers: { where: string; expr: string; series: number }[];
let sqliteSummary: ComponentSummary[];
/** Each component's recorded durations, ms, ascending. */
let durations: Record<string, number[]>;

beforeAll(async () => {
  const appPort = await freePort();
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

  prometheus = await startPrometheus('voice-agent', [`127.0.0.1:${appPort}`]);
  const query = prometheus.query;

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
    const [sample] = await query('sum(transcriber_operations_total)');
    return sample?.value === total ? true : undefined;
  });
  // The whole run: the cumulative buckets of the last scrape.
  prometheusP95 = byComponent(
    await query('histogram_quantile(0.95, sum by (le, transcriber_component) (transcriber_operation_duration_bucket))'),
  );
  prometheusCounts = byComponent(await query('sum by (transcriber_component) (transcriber_operation_duration_count)'));
  prometheusErrors = byComponent(await query('sum by (transcriber_component) (transcriber_operation_errors_total)'));
  // The dashboard's form: a rate over a window.
  ratedP95 = byComponent(
    await query(
      'histogram_quantile(0.95, sum by (le, transcriber_component) (rate(transcriber_operation_duration_bucket[1m])))',
    ),
  );

  // Every expression of the dashboards, as Grafana sends it with every job and component chosen
  // (and, from a trace's span in Jaeger, its component as the tags).
  const live = (expr: string) =>
    expr
      .replace(/\$__tags/g, 'transcriber_component="stt"')
      .replace(/\$\{?(job|component)\}?/g, '.+')
      .replace(/\$\{?__rate_interval\}?/g, '1m')
      .replace(/\$\{?__range\}?/g, '5m');
  panelAnswers = [];
  for (const { where, expr } of appQueries()) {
    panelAnswers.push({ where, expr: live(expr), series: (await query(live(expr))).length });
  }

  app.kill('SIGTERM');
  const result = await app.exited;
  app = undefined;
  expect(result).toMatchObject({ signal: 'SIGTERM', stderr: '' });
  const db = openForQuery(project.dataDir, 'performance_metrics');
  try {
    sqliteSummary = summarizeComponents(db, { sinceUs: 0 });
    durations = {};
    for (const component of COMPONENTS) {
      durations[component] = db
        .prepare('SELECT duration_ms FROM spans WHERE component = ? ORDER BY duration_ms')
        .pluck()
        .all(component) as number[];
    }
  } finally {
    db.close();
  }
}, 120_000);

afterAll(async () => {
  if (app !== undefined) {
    app.kill('SIGKILL');
    await app.exited;
  }
  await prometheus?.stop();
  removeTempDirs();
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

// The exact p95 interpolates between two recorded durations (ranks ⌊0.95(n−1)⌋ and the next);
// Prometheus only knows the bucket counts, so its estimate lies in the bucket of one of the
// observations around that rank. When those two straddle a bucket bound (likely when a loaded
// machine spreads the durations), either bucket is right: the check is that Prometheus' bucket
// meets the span between them, and that SQLite's p95 is within it.
it("Prometheus' p95 per component is in a bucket SQLite's recorded durations put the p95 in", () => {
  const rows = sqliteSummary.map(({ component, p95Ms }) => {
    const sorted = durations[component];
    const rank = 0.95 * (sorted.length - 1);
    const around = [sorted[Math.floor(rank)], sorted[Math.ceil(rank)]];
    const [lower, upper] = bucketOf(prometheusP95[component]);
    return {
      component,
      prometheusP95Ms: prometheusP95[component] * 1000,
      sqliteP95Ms: p95Ms,
      aroundMs: around,
      bucketMs: [lower * 1000, upper * 1000],
    };
  });
  console.log(rows.map((r) => `${r.component}: ${JSON.stringify(r)}`).join('\n'));
  for (const row of rows) {
    const [below, above] = row.aroundMs;
    expect({
      ...row,
      sqliteP95BetweenThem: row.sqliteP95Ms >= below && row.sqliteP95Ms <= above,
      bucketMeetsThem: row.bucketMs[0] <= above && row.bucketMs[1] >= below,
    }).toEqual({ ...row, sqliteP95BetweenThem: true, bucketMeetsThem: true });
  }
});

/** The dashboards' PromQL expressions an app's own endpoint answers (not the collector's span-derived ones). */
function appQueries(): Query[] {
  const collector = parseYaml(fs.readFileSync(path.join(ROOT, 'otel-collector.yaml'), 'utf8'));
  const collectorPrefix = `${sanitizeName(collector.connectors.spanmetrics.namespace)}_`;
  return promqlQueries().filter(
    ({ expr }) => !metricNamesIn(substituteGrafanaVariables(expr)).some((name) => name.startsWith(collectorPrefix)),
  );
}

it('answers every panel of the dashboards with data from the app: operations, voice turns and resources', () => {
  expect(panelAnswers.length).toBeGreaterThan(20);
  // The voice panels among them: voice-to-voice, the stages, time to first chunk and byte, interruptions.
  for (const name of [
    'transcriber_turn_voice_to_voice_duration_bucket',
    'transcriber_turn_stage_duration_bucket',
    'gen_ai_client_operation_time_to_first_chunk_bucket',
    'transcriber_tts_time_to_first_byte_bucket',
    'transcriber_turn_interruptions_total',
  ]) {
    expect(panelAnswers.some((a) => a.expr.includes(name))).toBe(true);
  }
  expect(panelAnswers.filter((a) => a.series === 0)).toEqual([]);
});

it("answers the dashboard's rate form of the p95 query for every component", () => {
  expect(Object.keys(ratedP95).sort()).toEqual(COMPONENTS);
  for (const value of Object.values(ratedP95)) expect(Number.isFinite(value) && value > 0).toBe(true);
});
