/**
 * What the dashboards ask Prometheus for, and the names our instruments have there: shared by the
 * structural checks (collector-stack.test.ts) and the live scrape (prometheus-live.test.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  METRIC_GEN_AI_TIME_TO_FIRST_CHUNK,
  METRIC_OPERATION_DURATION,
  METRIC_OPERATION_ERRORS,
  METRIC_OPERATIONS,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
  METRIC_TURN_INTERRUPTIONS,
  METRIC_TURN_STAGE_DURATION,
  METRIC_TURN_VOICE_TO_VOICE,
  RESOURCE_GAUGES,
} from '@transcriber/instrumentation';

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML/JSON documents are walked freely */

const ROOT = path.resolve(__dirname, '../..');
const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const readYaml = (rel: string): any => parseYaml(read(rel));

const datasourceFiles = fs
  .readdirSync(path.join(ROOT, 'deploy/grafana/provisioning/datasources'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => readYaml(`deploy/grafana/provisioning/datasources/${f}`));
export const datasources: any[] = datasourceFiles.flatMap((f) => f.datasources ?? []);

export const DASHBOARD_DIR = 'deploy/grafana/dashboards';
export const dashboards: { file: string; json: any }[] = fs
  .readdirSync(path.join(ROOT, DASHBOARD_DIR))
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, json: JSON.parse(read(`${DASHBOARD_DIR}/${file}`)) }));

// ------------------------------------------------------------------------------------------------
// Helpers: Prometheus names

/** What @opentelemetry/exporter-prometheus does to a name (PrometheusSerializer, 0.223). */
export function sanitizeName(name: string): string {
  const sanitized = name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
  return /^[0-9]/.test(sanitized) ? `_${sanitized}` : sanitized;
}

export type InstrumentKind = 'counter' | 'histogram' | 'gauge';

/**
 * The series names an instrument produces on the SDK's Prometheus endpoint: no unit suffix,
 * `_total` on counters, `_bucket`/`_sum`/`_count` on histograms. Through the collector the names
 * are the same, because `transform/prometheus_names` clears the unit before its exporter (tested
 * below).
 */
export function sdkSeriesNames(otelName: string, kind: InstrumentKind): string[] {
  const base = sanitizeName(otelName);
  if (kind === 'counter') return [base.endsWith('_total') ? base : `${base}_total`];
  if (kind === 'histogram') return [`${base}_bucket`, `${base}_sum`, `${base}_count`];
  return [base];
}

/** The instruments the dashboards must cover: operations, voice turns and resources. */
export const OUR_INSTRUMENTS: [string, InstrumentKind][] = [
  [METRIC_OPERATION_DURATION, 'histogram'],
  [METRIC_OPERATIONS, 'counter'],
  [METRIC_OPERATION_ERRORS, 'counter'],
  [METRIC_TURN_VOICE_TO_VOICE, 'histogram'],
  [METRIC_TURN_STAGE_DURATION, 'histogram'],
  [METRIC_TURN_INTERRUPTIONS, 'counter'],
  [METRIC_GEN_AI_TIME_TO_FIRST_CHUNK, 'histogram'],
  [METRIC_TTS_TIME_TO_FIRST_BYTE, 'histogram'],
  ...RESOURCE_GAUGES.map((name): [string, InstrumentKind] => [name, 'gauge']),
];
export const OUR_SERIES = new Set(OUR_INSTRUMENTS.flatMap(([name, kind]) => sdkSeriesNames(name, kind)));

// ------------------------------------------------------------------------------------------------
// Helpers: PromQL

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool']);
const PROMQL_OPERATORS = new Set(['and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** Grafana variables replaced by values that keep the expression valid PromQL. */
export function substituteGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__tags/g, 'transcriber_component="stt"')
    .replace(/\$\{?__(rate_interval|interval|range|auto)\}?/g, '5m')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, 'x');
}

/** Metric names selected by a PromQL expression (without Grafana variables). */
export function metricNamesIn(expr: string): string[] {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/'(?:[^'\\]|\\.)*'/g, "''");
  s = s.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = s[m.index - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // 1e3, 5m
    if (
      s
        .slice(m.index + m[0].length)
        .trimStart()
        .startsWith('(')
    )
      continue; // function, aggregation
    if (PROMQL_KEYWORDS.has(m[0]) || PROMQL_OPERATORS.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return names;
}

/** Label names used in matchers and in by/without/on/ignoring/group_* clauses. */
export function labelNamesIn(expr: string): string[] {
  const labels: string[] = [];
  for (const selector of expr.matchAll(/\{([^}]*)\}/g)) {
    for (const matcher of selector[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)/g)) labels.push(matcher[1]);
  }
  for (const clause of expr.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) {
    labels.push(
      ...clause[1]
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  }
  return labels;
}

export interface Query {
  where: string;
  expr: string;
}

/** Every object in a JSON document, with its path. */
export function* walk(node: any, where = ''): Generator<[any, string]> {
  if (node === null || typeof node !== 'object') return;
  yield [node, where];
  for (const [key, value] of Object.entries(node)) yield* walk(value, `${where}/${key}`);
}

export const datasourceByUid = new Map(datasources.map((d) => [d.uid, d]));
export const typeOfUid = (uid: string | undefined): string | undefined => datasourceByUid.get(uid)?.type;

export function panelsOf(dashboard: any): any[] {
  return (dashboard.panels ?? []).flatMap((p: any) => [p, ...(p.panels ?? [])]);
}

/** Target datasource, falling back to the panel's. */
export function targetDatasourceUid(panel: any, target: any): string | undefined {
  return target.datasource?.uid ?? panel.datasource?.uid;
}

export function promqlQueries(): Query[] {
  const queries: Query[] = [];
  for (const { file, json } of dashboards) {
    for (const panel of panelsOf(json)) {
      for (const target of panel.targets ?? []) {
        if (typeOfUid(targetDatasourceUid(panel, target)) === 'prometheus') {
          queries.push({ where: `${file} panel "${panel.title}" ${target.refId}`, expr: target.expr });
        }
      }
    }
    for (const variable of json.templating?.list ?? []) {
      if (variable.type !== 'query' || typeOfUid(variable.datasource?.uid) !== 'prometheus') continue;
      const text: string = typeof variable.query === 'string' ? variable.query : variable.query.query;
      const labelValues = /^label_values\((.+),\s*([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(text.trim());
      if (labelValues === null) throw new Error(`${file} variable ${variable.name}: not label_values(…): ${text}`);
      queries.push({ where: `${file} variable ${variable.name}`, expr: labelValues[1] });
    }
  }
  for (const ds of datasources) {
    for (const q of ds.jsonData?.tracesToMetrics?.queries ?? []) {
      // `$$` is Grafana provisioning's escape for a literal `$`.
      queries.push({ where: `datasource ${ds.uid} tracesToMetrics "${q.name}"`, expr: q.query.replace(/\$\$/g, '$') });
    }
  }
  return queries;
}

// ------------------------------------------------------------------------------------------------
// Helpers: promtool

export function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { input, encoding: 'utf8', timeout: 30_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      'promtool is not on PATH. It comes with the Debian package `prometheus`: run `bash scripts/install-system-deps.sh`.',
    );
  }
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// ================================================================================================
