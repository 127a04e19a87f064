/**
 * The Collector / Jaeger / Prometheus / Loki / Grafana stack (otel-collector.yaml, docker-compose.yml,
 * deploy/) cannot be started here (no Docker engine), so it is proven piece by piece:
 *   - the collector pipelines are wired to defined components only, and every component is used;
 *   - ports agree between compose, the collector, Prometheus, Grafana and the SDK's defaults;
 *   - every datasource uid a dashboard uses is provisioned;
 *   - every metric name in every dashboard query is one a real Prometheus endpoint of ours serves
 *     (today: the SDK's Prometheus exporter serving our instruments in-process; a live scrape of the
 *     preloaded app comes with the preload), and every event name and attribute in the Loki queries
 *     is one our events carry;
 *   - promtool accepts the Prometheus config, every PromQL expression, and our exposition.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { convertLegacyHttpOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { parse as parseYaml } from 'yaml';
import {
  ATTR_COMPONENT,
  ATTR_ERROR_TYPE,
  ATTR_OPERATION,
  ATTR_TURN_STAGE,
  BENCHMARK_ATTR,
  EVENT_ATTR,
  EVENT_BENCHMARK_RESULT,
  EVENT_OPTIMIZATION_ACTION,
  EVENT_OPTIMIZATION_RECOMMENDATION,
  EVENT_PROFILE_RESULT,
  MARK_END_OF_UTTERANCE,
  MARK_FINAL_TRANSCRIPT,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_AUDIO_PLAYED,
  MARK_FIRST_TOKEN,
  MARK_INTERRUPTION,
  MARK_USER_SPEECH_END,
  METRIC_OPERATION_DURATION,
  OPERATION_DURATION_BUCKETS_S,
  OPTIMIZATION_ATTR,
  PROFILE_ATTR,
  RESOURCE_GAUGES,
  timeOperation,
} from '@transcriber/instrumentation';
import {
  DASHBOARD_DIR,
  dashboards,
  datasourceByUid,
  datasources,
  labelNamesIn,
  metricNamesIn,
  OUR_INSTRUMENTS,
  OUR_SERIES,
  panelsOf,
  promqlQueries,
  promtool,
  sanitizeName,
  sdkSeriesNames,
  substituteGrafanaVariables,
  targetDatasourceUid,
  typeOfUid,
  walk,
  type Query,
} from './helpers/promql';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

afterAll(removeTempDirs);

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML/JSON documents are walked freely */

const ROOT = path.resolve(__dirname, '..');
const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const readYaml = (rel: string): any => parseYaml(read(rel));

const collector = readYaml('otel-collector.yaml');
const compose = readYaml('docker-compose.yml');
const prometheusConfig = readYaml('deploy/prometheus/prometheus.yml');
const lokiConfig = readYaml('deploy/loki/loki.yaml');
const dashboardProviders: any[] = fs
  .readdirSync(path.join(ROOT, 'deploy/grafana/provisioning/dashboards'))
  .filter((f) => /\.ya?ml$/.test(f))
  .flatMap((f) => readYaml(`deploy/grafana/provisioning/dashboards/${f}`).providers ?? []);

// ------------------------------------------------------------------------------------------------
// Helpers: addresses and ports

/** `host:port`, `:port`, `http://host:port/path` → { host, port }. */
function hostPort(address: string): { host: string; port: number } {
  const withScheme = /^[a-z]+:\/\//i.test(address) ? address : `tcp://${address}`;
  const url = new URL(withScheme);
  return { host: url.hostname, port: Number(url.port) };
}

interface PublishedPort {
  hostIp: string | undefined;
  hostPort: number;
  containerPort: number;
}

/** Short-syntax compose port mappings: `[ip:]host:container[/proto]`. */
function publishedPorts(service: string): PublishedPort[] {
  return (compose.services[service].ports ?? []).map((spec: string) => {
    const parts = String(spec)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const containerPort = Number(parts.pop());
    const hostPortNumber = Number(parts.pop());
    return { hostIp: parts.pop(), hostPort: hostPortNumber, containerPort };
  });
}

function publishes(service: string, port: number): boolean {
  return publishedPorts(service).some((p) => p.containerPort === port && p.hostPort === port);
}

function scrapeTargets(jobName: string): string[] {
  const job = prometheusConfig.scrape_configs.find((j: any) => j.job_name === jobName);
  expect(job).toBeDefined();
  return job.static_configs.flatMap((c: any) => c.targets);
}

/** The container path a service bind-mounts a repo path at. */
function mountTarget(service: string, repoPath: string): string | undefined {
  for (const volume of compose.services[service].volumes ?? []) {
    const [source, target] = String(volume).split(':');
    if (path.resolve(ROOT, source) === path.resolve(ROOT, repoPath)) return target;
  }
  return undefined;
}

/** The collector's prometheus exporter (default translation): unit suffix and `_total`. */
const UNIT_SUFFIX: Record<string, string> = { s: 'seconds', ms: 'milliseconds' };
function spanmetricsSeriesNames(): string[] {
  const spanmetrics = collector.connectors.spanmetrics;
  const namespace = sanitizeName(spanmetrics.namespace);
  const unit = UNIT_SUFFIX[spanmetrics.histogram?.unit ?? 'ms'];
  const duration = `${namespace}_duration_${unit}`;
  return [`${namespace}_calls_total`, `${duration}_bucket`, `${duration}_sum`, `${duration}_count`];
}
const KNOWN_SERIES = new Set([...OUR_SERIES, ...spanmetricsSeriesNames(), 'target_info']);

/** Labels a dashboard may group or filter by: our attributes, and what the pipeline adds. */
const KNOWN_LABELS = new Set([
  sanitizeName(ATTR_COMPONENT),
  sanitizeName(ATTR_OPERATION),
  sanitizeName(ATTR_ERROR_TYPE),
  sanitizeName(ATTR_TURN_STAGE),
  'le',
  'job',
  'instance',
  // spanmetrics dimensions
  'service_name',
  'span_name',
  'span_kind',
  'status_code',
]);

function lokiQueries(): (Query & { extraFields: string[] })[] {
  const queries: (Query & { extraFields: string[] })[] = [];
  for (const { file, json } of dashboards) {
    for (const panel of panelsOf(json)) {
      for (const target of panel.targets ?? []) {
        if (typeOfUid(targetDatasourceUid(panel, target)) !== 'loki') continue;
        const legend = [...String(target.legendFormat ?? '').matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]);
        queries.push({
          where: `${file} panel "${panel.title}" ${target.refId}`,
          expr: target.expr,
          extraFields: legend,
        });
      }
    }
    for (const annotation of json.annotations?.list ?? []) {
      if (typeOfUid(annotation.datasource?.uid) !== 'loki') continue;
      const templated = `${annotation.titleFormat ?? ''} ${annotation.textFormat ?? ''}`;
      const fields = [...templated.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]);
      if (annotation.tagKeys) fields.push(...String(annotation.tagKeys).split(','));
      queries.push({ where: `${file} annotation "${annotation.name}"`, expr: annotation.expr, extraFields: fields });
    }
  }
  return queries;
}

/**
 * The optional pipelines to `transcriber collect`, written out commented in otel-collector.yaml
 * between `# BEGIN transcriber pipelines` and `# END transcriber pipelines`, as they read uncommented.
 */
function optionalTranscriberPipelines(): Record<string, any> {
  const lines = read('otel-collector.yaml').split('\n');
  const begin = lines.findIndex((l) => l.trim() === '# BEGIN transcriber pipelines');
  const end = lines.findIndex((l) => l.trim() === '# END transcriber pipelines');
  if (begin < 0 || end < begin) throw new Error('otel-collector.yaml: no "# BEGIN/END transcriber pipelines" block');
  const indent = lines[begin].indexOf('#');
  return parseYaml(
    lines
      .slice(begin + 1, end)
      .map((l) => l.slice(indent).replace(/^# ?/, ''))
      .join('\n'),
  );
}

describe('otel-collector.yaml', () => {
  const pipelines: Record<string, any> = collector.service.pipelines;
  const kinds = ['receivers', 'processors', 'exporters'] as const;
  const signalOf = (pipelineId: string): string => pipelineId.split('/')[0];

  it('has pipelines for traces, metrics and logs', () => {
    const signals = new Set(Object.keys(pipelines).map(signalOf));
    expect([...signals].sort()).toEqual(['logs', 'metrics', 'traces']);
  });

  it('every pipeline references only defined receivers, processors, connectors and exporters', () => {
    for (const [id, pipeline] of Object.entries(pipelines)) {
      expect(['traces', 'metrics', 'logs']).toContain(signalOf(id));
      expect(pipeline.receivers?.length).toBeGreaterThan(0);
      expect(pipeline.exporters?.length).toBeGreaterThan(0);
      for (const kind of kinds) {
        for (const name of pipeline[kind] ?? []) {
          const defined =
            Object.hasOwn(collector[kind] ?? {}, name) ||
            (kind !== 'processors' && Object.hasOwn(collector.connectors ?? {}, name));
          if (!defined) throw new Error(`pipeline ${id}: ${kind} "${name}" is not defined`);
        }
      }
    }
  });

  it('every defined receiver, processor, exporter, connector and extension is used', () => {
    // The optional transcriber exporter and filter are used by the pipelines written out commented.
    const all = [...Object.values(pipelines), ...Object.values(optionalTranscriberPipelines())];
    const used = (kind: string): Set<string> =>
      new Set(all.flatMap((p: any) => (kind === 'connectors' ? [] : (p[kind] ?? []))));
    for (const kind of kinds) {
      for (const name of Object.keys(collector[kind] ?? {})) {
        if (!used(kind).has(name)) throw new Error(`${kind} "${name}" is defined but in no pipeline`);
      }
    }
    expect([...Object.keys(collector.extensions ?? {})].sort()).toEqual([...collector.service.extensions].sort());
  });

  it('connectors are an exporter in one pipeline and a receiver in another; spanmetrics goes traces → metrics', () => {
    const connectors = Object.keys(collector.connectors ?? {});
    expect(connectors).toContain('spanmetrics');
    for (const name of connectors) {
      const exportingFrom = Object.keys(pipelines).filter((id) => pipelines[id].exporters?.includes(name));
      const receivingIn = Object.keys(pipelines).filter((id) => pipelines[id].receivers?.includes(name));
      expect(exportingFrom.length).toBeGreaterThan(0);
      expect(receivingIn.length).toBeGreaterThan(0);
      expect(exportingFrom.filter((id) => receivingIn.includes(id))).toEqual([]);
      if (name === 'spanmetrics') {
        expect(exportingFrom.map(signalOf)).toEqual(['traces']);
        expect(new Set(receivingIn.map(signalOf))).toEqual(new Set(['metrics']));
      }
    }
  });

  it('memory_limiter comes first and batch last in every pipeline', () => {
    for (const [id, pipeline] of Object.entries(pipelines)) {
      const processors: string[] = pipeline.processors ?? [];
      expect({ id, first: processors[0] }).toEqual({ id, first: 'memory_limiter' });
      expect({ id, last: processors[processors.length - 1] }).toEqual({ id, last: 'batch' });
    }
  });

  it('has optional pipelines to `transcriber collect` on the Docker host, valid once uncommented', () => {
    const optional = optionalTranscriberPipelines();
    expect(Object.keys(optional).sort()).toEqual(['logs/transcriber', 'metrics/transcriber', 'traces/transcriber']);
    for (const [id, pipeline] of Object.entries(optional)) {
      expect(Object.hasOwn(pipelines, id)).toBe(false);
      expect(pipeline.receivers).toEqual(['otlp']);
      expect(pipeline.exporters).toEqual(['otlp_http/transcriber']);
      expect(pipeline.processors[0]).toBe('memory_limiter');
      expect(pipeline.processors[pipeline.processors.length - 1]).toBe('batch');
      for (const name of pipeline.processors) expect(Object.hasOwn(collector.processors, name)).toBe(true);
      // Units stay: the local databases keep them (only Prometheus needs them cleared).
      expect(pipeline.processors).not.toContain('transform/prometheus_names');
    }
    const endpoint = hostPort(collector.exporters['otlp_http/transcriber'].endpoint);
    expect(endpoint.host).toBe('host.docker.internal');
    // Not a port this stack publishes on the host: that would loop back into the collector.
    expect(publishedPorts('otel-collector').map((p) => p.hostPort)).not.toContain(endpoint.port);
    expect(compose.services['otel-collector'].extra_hosts).toContain('host.docker.internal:host-gateway');
    // The logs pipeline keeps our events only: every event name must pass the filter's pattern.
    const [condition] = collector.processors['filter/transcriber_events'].logs.log_record;
    const pattern = /IsMatch\(log\.event_name, "(.*)"\)/.exec(condition)![1].replace(/\\\\/g, '\\');
    expect(condition.startsWith('not ')).toBe(true);
    for (const event of [
      EVENT_PROFILE_RESULT,
      EVENT_BENCHMARK_RESULT,
      EVENT_OPTIMIZATION_ACTION,
      EVENT_OPTIMIZATION_RECOMMENDATION,
    ]) {
      expect(event).toMatch(new RegExp(pattern));
    }
    expect('gen_ai.choice').not.toMatch(new RegExp(pattern));
  });

  it('sends traces to Jaeger over OTLP, metrics to the Prometheus exporter and logs to Loki over OTLP', () => {
    const exportersOf = (signal: string): string[] =>
      Object.entries(pipelines)
        .filter(([id]) => signalOf(id) === signal)
        .flatMap(([, p]) => p.exporters);
    expect(exportersOf('traces')).toEqual(expect.arrayContaining(['otlp_grpc/jaeger', 'spanmetrics']));
    expect(exportersOf('metrics')).toEqual(expect.arrayContaining(['prometheus']));
    expect(exportersOf('logs')).toEqual(['otlp_http/loki']);
    expect(collector.exporters['otlp_http/loki'].endpoint).toBe('http://loki:3100/otlp');
    // Exemplars only travel in the OpenMetrics format.
    expect(collector.exporters.prometheus.enable_open_metrics).toBe(true);
  });

  it('spanmetrics: our dimensions, our bucket boundaries, seconds, exemplars', () => {
    const spanmetrics = collector.connectors.spanmetrics;
    expect(spanmetrics.dimensions.map((d: any) => d.name)).toEqual(
      expect.arrayContaining([ATTR_COMPONENT, ATTR_OPERATION]),
    );
    expect(spanmetrics.exemplars.enabled).toBe(true);
    expect(spanmetrics.histogram.unit).toBe('s');
    const seconds = spanmetrics.histogram.explicit.buckets.map(goDurationSeconds);
    expect(seconds).toHaveLength(OPERATION_DURATION_BUCKETS_S.length);
    seconds.forEach((s: number, i: number) => expect(s).toBeCloseTo(OPERATION_DURATION_BUCKETS_S[i], 9));
  });

  it('gives OTLP metrics the names of the SDK endpoint (unit cleared), but not the span-derived ones', () => {
    const otlpMetrics = Object.entries(pipelines).filter(
      ([id, p]) => signalOf(id) === 'metrics' && p.receivers.includes('otlp'),
    );
    expect(otlpMetrics).toHaveLength(1);
    const [, otlpPipeline] = otlpMetrics[0];
    const clearing = otlpPipeline.processors.filter((name: string) =>
      JSON.stringify(collector.processors[name]?.metric_statements ?? []).includes('set(metric.unit, \\"\\")'),
    );
    expect(clearing).toHaveLength(1);
    expect(otlpPipeline.exporters).toContain('prometheus');
    const spanPipeline = Object.values(pipelines).find((p: any) => p.receivers.includes('spanmetrics'));
    expect(spanPipeline.processors).not.toContain(clearing[0]);
    // The default translation keeps `_total` on counters, as the SDK endpoint does.
    const strategy = collector.exporters.prometheus.translation_strategy;
    expect(strategy === undefined || strategy === 'UnderscoreEscapingWithSuffixes').toBe(true);
    expect(collector.exporters.prometheus.add_metric_suffixes).toBeUndefined();
  });

  it('copies the OTLP event name into an attribute Loki keeps (structured metadata event_name)', () => {
    const logsPipeline = pipelines.logs;
    const statements = logsPipeline.processors.flatMap(
      (name: string) => collector.processors[name]?.log_statements ?? [],
    );
    expect(statements.join('\n')).toMatch(/set\(log\.attributes\["event\.name"\], log\.event_name\)/);
  });

  it('has a health check and listens for OTLP on all interfaces of its container', () => {
    expect(hostPort(collector.extensions.health_check.endpoint).port).toBe(13133);
    expect(hostPort(collector.receivers.otlp.protocols.grpc.endpoint)).toEqual({ host: '0.0.0.0', port: 4317 });
    expect(hostPort(collector.receivers.otlp.protocols.http.endpoint)).toEqual({ host: '0.0.0.0', port: 4318 });
  });

  it('names a pinned collector-contrib version that docker-compose.yml runs', () => {
    const version = /collector-contrib:(\d+\.\d+\.\d+)/.exec(read('otel-collector.yaml'))?.[1];
    expect(version).toBeDefined();
    expect(compose.services['otel-collector'].image).toBe(`otel/opentelemetry-collector-contrib:${version}`);
  });
});

/** Go's time.ParseDuration, for the units a bucket list uses. */
function goDurationSeconds(text: string): number {
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  let rest = String(text);
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) throw new Error(`not a Go duration: ${text}`);
    total += Number(m[1]) * unit[m[2]];
    rest = rest.slice(m[0].length);
  }
  return total;
}

describe('docker-compose.yml', () => {
  const services: Record<string, any> = compose.services;

  it('runs the collector, Jaeger, Prometheus, Loki, Grafana and the example workload', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['otel-collector', 'jaeger', 'prometheus', 'loki', 'grafana', 'example-workload']),
    );
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue; // built here
      const image: string = service.image;
      const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
      if (!/\d/.test(tag) || tag === 'latest') throw new Error(`${name}: image ${image} is not pinned`);
    }
  });

  it('has a health check for every long-running service (the scratch collector image through a sidecar)', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'example-workload' || name === 'otel-collector') continue;
      expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
    }
    const probes = Object.values(services).filter((s: any) =>
      (s.healthcheck?.test ?? []).some((arg: string) => /^https?:\/\/otel-collector:/.test(arg)),
    );
    expect(probes).toHaveLength(1);
    const url = (probes[0] as any).healthcheck.test.find((arg: string) => arg.startsWith('http'));
    expect(hostPort(url).port).toBe(hostPort(collector.extensions.health_check.endpoint).port);
    expect(services['example-workload'].depends_on['otel-collector-health'].condition).toBe('service_healthy');
  });

  it('declares its named volumes, and every file it mounts exists', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(':')[0];
        if (source.startsWith('.') || source.startsWith('/')) {
          expect({ name, source, exists: fs.existsSync(path.resolve(ROOT, source)) }).toEqual({
            name,
            source,
            exists: true,
          });
        } else {
          expect({ name, source, declared: declared.has(source) }).toEqual({ name, source, declared: true });
        }
      }
    }
    expect(declared.size).toBeGreaterThan(0);
  });

  it('publishes every port on loopback only', () => {
    for (const name of Object.keys(services)) {
      for (const port of publishedPorts(name))
        expect({ name, ...port }).toEqual({ name, ...port, hostIp: '127.0.0.1' });
    }
  });

  it('mounts each config where its program reads it', () => {
    const collectorConfig = mountTarget('otel-collector', 'otel-collector.yaml');
    expect(services['otel-collector'].command).toContain(`--config=${collectorConfig}`);
    const promConfig = mountTarget('prometheus', 'deploy/prometheus/prometheus.yml');
    expect(services.prometheus.command).toContain(`--config.file=${promConfig}`);
    expect(services.prometheus.command).toContain('--enable-feature=exemplar-storage');
    const lokiConfigPath = mountTarget('loki', 'deploy/loki/loki.yaml');
    expect(services.loki.command).toContain(`-config.file=${lokiConfigPath}`);
    expect(mountTarget('grafana', 'deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const dashboardsAt = mountTarget('grafana', DASHBOARD_DIR);
    expect(dashboardProviders.map((p) => p.options.path)).toContain(dashboardsAt);
    expect(services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(
      `${dashboardsAt}/voice-agent-performance.json`,
    );
  });

  it('runs the README workload with the preload, exporting OTLP/HTTP to the collector', () => {
    const workload = services['example-workload'];
    expect(workload.command).toEqual(['node', '--require', '@transcriber/node/register', 'scripts/demo-workload.js']);
    const env = workload.environment;
    expect(env.OTEL_TRACES_EXPORTER).toBe('otlp');
    expect(env.OTEL_METRICS_EXPORTER).toBe('otlp');
    expect(env.OTEL_LOGS_EXPORTER).toBe('otlp');
    expect(env.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
    expect(hostPort(env.OTEL_EXPORTER_OTLP_ENDPOINT)).toEqual({
      host: 'otel-collector',
      port: hostPort(collector.receivers.otlp.protocols.http.endpoint).port,
    });
    expect(workload.build.dockerfile).toBe('deploy/workload.Dockerfile');
    const dockerfile = read(workload.build.dockerfile);
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim/m);
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toMatch(/npm run build/);
    expect(dockerfile).toContain('"@transcriber/node/register", "scripts/demo-workload.js"');
  });
});

describe('ports agree between compose, collector, Prometheus, Grafana and the SDK defaults', () => {
  // The SDK's own defaults, read from the exporters the node package configures.
  const savedEnv = { ...process.env };
  let sdkOtlpHttpPort: number;
  beforeAll(() => {
    for (const key of Object.keys(process.env)) if (key.startsWith('OTEL_EXPORTER_OTLP')) delete process.env[key];
    sdkOtlpHttpPort = hostPort(convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', {}).url).port;
  });
  afterAll(() => {
    process.env = savedEnv;
  });
  // The OTLP/gRPC default of the specification; the node package ships no gRPC exporter to read it from.
  const SDK_OTLP_GRPC_PORT = 4317;
  const SDK_PROMETHEUS_PORT = PrometheusExporter.DEFAULT_OPTIONS.port;

  it('OTLP: SDK default = collector receiver = published port', () => {
    expect(sdkOtlpHttpPort).toBe(4318);
    expect(hostPort(collector.receivers.otlp.protocols.http.endpoint).port).toBe(sdkOtlpHttpPort);
    expect(hostPort(collector.receivers.otlp.protocols.grpc.endpoint).port).toBe(SDK_OTLP_GRPC_PORT);
    expect(publishes('otel-collector', sdkOtlpHttpPort)).toBe(true);
    expect(publishes('otel-collector', SDK_OTLP_GRPC_PORT)).toBe(true);
    // Jaeger's own OTLP ports would clash with the collector's on the host.
    expect(publishedPorts('jaeger').map((p) => p.hostPort)).not.toEqual(expect.arrayContaining([SDK_OTLP_GRPC_PORT]));
  });

  it("Prometheus scrapes the app on the SDK's default port, and the collector's exporters where they listen", () => {
    expect(SDK_PROMETHEUS_PORT).toBe(9464);
    expect(scrapeTargets('transcriber-app')).toEqual([`host.docker.internal:${SDK_PROMETHEUS_PORT}`]);
    expect(compose.services.prometheus.extra_hosts).toContain('host.docker.internal:host-gateway');
    const exporterPort = hostPort(collector.exporters.prometheus.endpoint).port;
    expect(scrapeTargets('otel-collector')).toEqual([`otel-collector:${exporterPort}`]);
    const job = prometheusConfig.scrape_configs.find((j: any) => j.job_name === 'otel-collector');
    expect(job.honor_labels).toBe(true); // job/instance from service.name/service.instance.id
    const internal = collector.service.telemetry.metrics.readers[0].pull.exporter.prometheus;
    expect(scrapeTargets('otel-collector-internal')).toEqual([`otel-collector:${internal.port}`]);
  });

  it('the collector exports to the Jaeger and Loki services on their ports', () => {
    const jaeger = hostPort(collector.exporters['otlp_grpc/jaeger'].endpoint);
    expect(jaeger).toEqual({ host: 'jaeger', port: 4317 }); // Jaeger v2 all-in-one default OTLP/gRPC
    const loki = hostPort(collector.exporters['otlp_http/loki'].endpoint);
    expect(loki).toEqual({ host: 'loki', port: lokiConfig.server.http_listen_port });
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining([jaeger.host, loki.host]));
  });

  it('Grafana datasources point at the compose services on their published ports', () => {
    const expected: Record<string, [string, number]> = {
      prometheus: ['prometheus', 9090],
      jaeger: ['jaeger', 16686],
      loki: ['loki', lokiConfig.server.http_listen_port],
    };
    for (const [type, [service, port]] of Object.entries(expected)) {
      const ds = datasources.find((d) => d.type === type);
      expect(ds).toBeDefined();
      expect(hostPort(ds.url)).toEqual({ host: service, port });
      expect(publishes(service, port)).toBe(true);
    }
    expect(publishes('grafana', 3000)).toBe(true);
  });

  it('docs/collector-stack.md gives the URLs the compose file publishes', () => {
    const doc = read('docs/collector-stack.md');
    expect(doc).toContain('docker compose up -d');
    for (const [service, port] of [
      ['grafana', 3000],
      ['jaeger', 16686],
      ['prometheus', 9090],
    ] as const) {
      expect(publishes(service, port)).toBe(true);
      expect(doc).toContain(`http://localhost:${port}`);
    }
  });
});

describe('Grafana provisioning and dashboards', () => {
  const uids = new Set(datasources.map((d) => d.uid));

  it('provisions Prometheus (exemplars → Jaeger), Jaeger and Loki with fixed uids', () => {
    expect(datasources.map((d) => d.type).sort()).toEqual(['jaeger', 'loki', 'prometheus']);
    for (const ds of datasources) expect(ds.uid).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(uids.size).toBe(datasources.length);
    const prometheus = datasources.find((d) => d.type === 'prometheus');
    expect(prometheus.jsonData.exemplarTraceIdDestinations).toEqual([
      expect.objectContaining({ name: 'trace_id', datasourceUid: datasources.find((d) => d.type === 'jaeger').uid }),
    ]);
  });

  it('every datasource uid referenced by a datasource is provisioned', () => {
    for (const ds of datasources) {
      for (const [node, where] of walk(ds.jsonData ?? {})) {
        if (typeof node.datasourceUid === 'string') {
          expect({ where: `${ds.uid}${where}`, uid: node.datasourceUid, known: uids.has(node.datasourceUid) }).toEqual({
            where: `${ds.uid}${where}`,
            uid: node.datasourceUid,
            known: true,
          });
        }
      }
    }
  });

  it('has the "Voice agent performance" dashboard', () => {
    const titles = dashboards.map((d) => d.json.title);
    expect(titles).toContain('Voice agent performance');
    for (const { json } of dashboards) {
      expect(json.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      const ids = panelsOf(json).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('every datasource uid referenced by a panel, query, variable, annotation or link is provisioned', () => {
    let references = 0;
    for (const { file, json } of dashboards) {
      for (const [node, where] of walk(json)) {
        const refs: [string, string | undefined][] = [];
        if (node.datasource && typeof node.datasource === 'object')
          refs.push([node.datasource.uid, node.datasource.type]);
        if (typeof node.datasourceUid === 'string') refs.push([node.datasourceUid, undefined]);
        for (const [uid, type] of refs) {
          if (uid === '-- Grafana --') continue; // built-in annotations
          references++;
          const known = datasourceByUid.get(uid);
          expect({ where: `${file}${where}`, uid, known: known !== undefined }).toEqual({
            where: `${file}${where}`,
            uid,
            known: true,
          });
          if (type !== undefined)
            expect({ where: `${file}${where}`, type }).toEqual({ where: `${file}${where}`, type: known.type });
        }
      }
    }
    expect(references).toBeGreaterThan(10);
  });

  it('every $variable used is a template variable or a Grafana built-in', () => {
    const builtIns = [
      '__rate_interval',
      '__interval',
      '__range',
      '__auto',
      '__field',
      '__value',
      '__from',
      '__to',
      '__all',
    ];
    for (const { file, json } of dashboards) {
      const defined = new Set<string>((json.templating?.list ?? []).map((v: any) => v.name));
      const text = JSON.stringify(json.panels) + JSON.stringify(json.annotations) + JSON.stringify(json.templating);
      for (const m of text.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
        const name = m[1];
        if (defined.has(name) || builtIns.some((b) => name === b || name.startsWith(`${b}`))) continue;
        throw new Error(`${file}: $${name} is not a template variable`);
      }
      for (const panel of panelsOf(json)) if (panel.repeat) expect(defined.has(panel.repeat)).toBe(true);
      expect(defined.has('component')).toBe(true);
    }
  });

  it('latency panels link to the traces of the component in Jaeger', () => {
    const jaegerUid = datasources.find((d) => d.type === 'jaeger').uid;
    const latencyPanels = dashboards.flatMap(({ json }) =>
      panelsOf(json).filter((p) => p.type !== 'row' && /latency/i.test(p.title) && p.type === 'timeseries'),
    );
    expect(latencyPanels.length).toBeGreaterThanOrEqual(3);
    for (const panel of latencyPanels) {
      const links: any[] = panel.fieldConfig?.defaults?.links ?? [];
      const internal = links.find((l) => l.internal?.datasourceUid === jaegerUid);
      expect({ panel: panel.title, internal: internal !== undefined }).toEqual({ panel: panel.title, internal: true });
      expect(internal.internal.query.tags).toContain(ATTR_COMPONENT);
      const ui = links.find((l) => typeof l.url === 'string' && l.url.startsWith('http'));
      expect(ui).toBeDefined();
      expect(publishes('jaeger', Number(new URL(ui.url.replace(/\$\{[^}]*\}/g, 'x')).port))).toBe(true);
    }
    // Exemplars shown on at least one latency panel.
    expect(latencyPanels.some((p) => (p.targets ?? []).some((t: any) => t.exemplar === true))).toBe(true);
  });

  it('every metric name in every PromQL expression is one our instrumentation or the collector produces', () => {
    const queries = promqlQueries();
    expect(queries.length).toBeGreaterThan(15);
    const used = new Set<string>();
    for (const { where, expr } of queries) {
      const names = metricNamesIn(substituteGrafanaVariables(expr));
      expect({ where, names: names.length > 0 }).toEqual({ where, names: true });
      for (const name of names) {
        used.add(name);
        if (!KNOWN_SERIES.has(name)) throw new Error(`${where}: metric ${name} is not produced (expr: ${expr})`);
      }
    }
    // The dashboard covers latency (the histogram's buckets), operations, errors and every resource gauge.
    for (const [name, kind] of OUR_INSTRUMENTS) expect(used).toContain(sdkSeriesNames(name, kind)[0]);
  });

  it('every label in every PromQL expression is one of our attributes or one the pipeline adds', () => {
    for (const { where, expr } of promqlQueries()) {
      for (const label of labelNamesIn(substituteGrafanaVariables(expr))) {
        if (!KNOWN_LABELS.has(label)) throw new Error(`${where}: label ${label} is not produced (expr: ${expr})`);
      }
    }
    for (const { file, json } of dashboards) {
      for (const panel of panelsOf(json)) {
        for (const target of panel.targets ?? []) {
          if (typeOfUid(targetDatasourceUid(panel, target)) !== 'prometheus') continue;
          for (const m of String(target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
            expect({ file, panel: panel.title, label: m[1], known: KNOWN_LABELS.has(m[1]) }).toEqual({
              file,
              panel: panel.title,
              label: m[1],
              known: true,
            });
          }
        }
      }
    }
  });

  it('Loki queries select our events by their names and read only attributes they carry', () => {
    const eventNames = new Set([
      EVENT_PROFILE_RESULT,
      EVENT_BENCHMARK_RESULT,
      EVENT_OPTIMIZATION_ACTION,
      EVENT_OPTIMIZATION_RECOMMENDATION,
    ]);
    // Loki stores OTLP attributes as structured metadata, dots turned into underscores.
    const attributeKeys = [EVENT_ATTR, PROFILE_ATTR, BENCHMARK_ATTR, OPTIMIZATION_ATTR].flatMap((o) =>
      Object.values(o),
    );
    const fields = new Set([
      ...attributeKeys.map(sanitizeName),
      'event_name', // copied from LogRecord.event_name by the collector
      'service_name', // index label from the resource
      'trace_id',
      'span_id',
    ]);
    const queries = lokiQueries();
    expect(queries.length).toBeGreaterThanOrEqual(4);
    const selected = new Set<string>();
    for (const { where, expr, extraFields } of queries) {
      expect({ where, stream: expr.includes('{service_name="$service"}') }).toEqual({ where, stream: true });
      const eventFilter = /\| event_name=~?"([^"]+)"/.exec(expr);
      expect({ where, eventFilter: eventFilter !== null }).toEqual({ where, eventFilter: true });
      for (const name of eventFilter![1].split('|')) {
        if (!eventNames.has(name)) throw new Error(`${where}: ${name} is not one of our events`);
        selected.add(name);
      }
      const referenced = [
        ...[...expr.matchAll(/\{\{\s*\.(\w+)\s*\}\}/g)].map((m) => m[1]),
        ...[...expr.matchAll(/\bunwrap\s+(\w+)/g)].map((m) => m[1]),
        ...[...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((s) => s.trim())),
        ...[...expr.matchAll(/\|\s*(\w+)\s*(?:=~|!~|!=|=|>=|<=|>|<)/g)].map((m) => m[1]),
        ...extraFields,
      ];
      for (const field of referenced) {
        if (!fields.has(field)) throw new Error(`${where}: ${field} is not an attribute of our events`);
      }
    }
    expect([...selected].sort()).toEqual([...eventNames].sort());
  });
});

describe('promtool', () => {
  it('accepts deploy/prometheus/prometheus.yml (promtool check config)', () => {
    const { status, output } = promtool(['check', 'config', path.join(ROOT, 'deploy/prometheus/prometheus.yml')]);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('parses every PromQL expression of the dashboards and datasources (promtool check rules)', () => {
    const queries = promqlQueries();
    const rules = {
      groups: [
        {
          name: 'dashboard-expressions',
          rules: queries.map((q, i) => ({
            record: `dashboard:expression_${i}`,
            expr: substituteGrafanaVariables(q.expr),
          })),
        },
      ],
    };
    const file = path.join(makeTempDir('collector-stack-'), 'rules.json'); // JSON is YAML
    fs.writeFileSync(file, JSON.stringify(rules));
    const { status, output } = promtool(['check', 'rules', file]);
    expect({ status, output }).toEqual({
      status: 0,
      output: expect.stringContaining(`${queries.length} rules found`),
    });
  });
});

describe("the SDK's Prometheus endpoint serving our instruments", () => {
  // In-process stand-in for the live scrape of the preloaded app: the SDK's real Prometheus
  // exporter, over HTTP, after real operations through timeOperation and one point per resource gauge.
  let exposition: string;
  let provider: MeterProvider;

  beforeAll(async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    provider = new MeterProvider({ readers: [exporter] });
    metrics.setGlobalMeterProvider(provider);
    timeOperation('stt', 'transcribe', () => 'ok');
    await timeOperation('llm', 'complete', async () => 'ok');
    // A voice turn with every mark: voice-to-voice, its stages, time to first chunk and byte.
    timeOperation('pipeline', 'turn', (turn) => {
      turn.mark(MARK_USER_SPEECH_END);
      turn.mark(MARK_END_OF_UTTERANCE);
      turn.mark(MARK_FINAL_TRANSCRIPT);
      timeOperation('llm', 'generate', (op) => op.mark(MARK_FIRST_TOKEN));
      timeOperation('tts', 'synthesize', (op) => op.mark(MARK_FIRST_AUDIO_BYTE));
      turn.mark(MARK_FIRST_AUDIO_PLAYED);
      turn.mark(MARK_INTERRUPTION);
    });
    expect(() =>
      timeOperation('tts', 'synthesize', () => {
        throw new TypeError('voice not found');
      }),
    ).toThrow(TypeError);
    // The monitor (packages/node) registers these; their kind is fixed by names.ts.
    const meter = provider.getMeter('collector-stack-test');
    for (const name of RESOURCE_GAUGES) meter.createObservableGauge(name).addCallback((r) => r.observe(1));

    const server = http.createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      exposition = await response.text();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  afterAll(async () => {
    metrics.disable();
    await provider?.shutdown();
  });

  it('serves exactly the series names derived from names.ts', () => {
    const served = new Set(
      exposition
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line)![0]),
    );
    for (const name of OUR_SERIES) expect({ name, served: served.has(name) }).toEqual({ name, served: true });
    expect(served).toContain('target_info');
    expect(exposition).toMatch(new RegExp(`${sanitizeName(ATTR_COMPONENT)}="stt"`));
    expect(exposition).toMatch(new RegExp(`${sanitizeName(ATTR_ERROR_TYPE)}="TypeError"`));
  });

  it('uses our bucket boundaries', () => {
    const bucket = sdkSeriesNames(METRIC_OPERATION_DURATION, 'histogram')[0];
    const les = new Set(
      [...exposition.matchAll(new RegExp(`^${bucket}\\{[^}]*le="([^"]+)"`, 'gm'))]
        .map((m) => m[1])
        .filter((le) => le !== '+Inf'),
    );
    expect([...les].map(Number).sort((a, b) => a - b)).toEqual([...OPERATION_DURATION_BUCKETS_S]);
  });

  it('passes promtool check metrics', () => {
    const { status, output } = promtool(['check', 'metrics'], exposition);
    const problems = output.split('\n').filter((line) => line.trim() !== '');
    expect(problems).toEqual([]);
    expect(status).toBe(0);
  });
});
