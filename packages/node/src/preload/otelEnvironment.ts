/**
 * The standard OpenTelemetry environment variables the preload reads itself. The OTLP exporters
 * read their own (`OTEL_EXPORTER_OTLP_ENDPOINT`, `_HEADERS`, `_TIMEOUT`, `_COMPRESSION` and the
 * per-signal forms); `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` are read by startTelemetry,
 * `OTEL_METRIC_EXPORT_INTERVAL` by loadConfig.
 */

export const TRACE_EXPORTERS = ['sqlite', 'otlp', 'console'] as const;
export const METRIC_EXPORTERS = ['sqlite', 'otlp', 'prometheus', 'console'] as const;
export const LOG_EXPORTERS = ['sqlite', 'otlp', 'console'] as const;
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;

export type TraceExporterName = (typeof TRACE_EXPORTERS)[number];
export type MetricExporterName = (typeof METRIC_EXPORTERS)[number];
export type LogExporterName = (typeof LOG_EXPORTERS)[number];
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export interface OtelEnvironment {
  /** `OTEL_SDK_DISABLED=true`: the preload does nothing at all. */
  sdkDisabled: boolean;
  traces: TraceExporterName[];
  metrics: MetricExporterName[];
  logs: LogExporterName[];
  otlpProtocol: { traces: OtlpProtocol; metrics: OtlpProtocol; logs: OtlpProtocol };
  prometheus: { host: string; port: number };
}

/** Where the Prometheus endpoint listens unless told otherwise: loopback only (docs/configuration.md). */
export const DEFAULT_PROMETHEUS_HOST = '127.0.0.1';
export const DEFAULT_PROMETHEUS_PORT = 9464;

/**
 * Reads the variables; a bad value is reported through `warn` (one message naming the variable and
 * the value) and replaced by its default, so a typo never stops the app.
 */
export function readOtelEnvironment(env: NodeJS.ProcessEnv, warn: (message: string) => void): OtelEnvironment {
  const traces = exporterList(env, 'OTEL_TRACES_EXPORTER', TRACE_EXPORTERS, warn);
  const metrics = exporterList(env, 'OTEL_METRICS_EXPORTER', METRIC_EXPORTERS, warn);
  const logs = exporterList(env, 'OTEL_LOGS_EXPORTER', LOG_EXPORTERS, warn);
  const protocolOf = (signal: 'TRACES' | 'METRICS' | 'LOGS', used: boolean): OtlpProtocol =>
    otlpProtocol(env, signal, used, warn);
  return {
    sdkDisabled: (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true',
    traces,
    metrics,
    logs,
    otlpProtocol: {
      traces: protocolOf('TRACES', traces.includes('otlp')),
      metrics: protocolOf('METRICS', metrics.includes('otlp')),
      logs: protocolOf('LOGS', logs.includes('otlp')),
    },
    prometheus: {
      host: env.OTEL_EXPORTER_PROMETHEUS_HOST?.trim() || DEFAULT_PROMETHEUS_HOST,
      port: prometheusPort(env, metrics.includes('prometheus'), warn),
    },
  };
}

/** `a,b` → the known names in order, once each; unset → `sqlite`; `none` → none. */
function exporterList<T extends string>(
  env: NodeJS.ProcessEnv,
  variable: string,
  known: readonly T[],
  warn: (message: string) => void,
): T[] {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return ['sqlite' as T];
  const names = raw
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const chosen: T[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    if (name === 'none') continue;
    if ((known as readonly string[]).includes(name)) {
      if (!chosen.includes(name as T)) chosen.push(name as T);
    } else {
      unknown.push(name);
    }
  }
  if (unknown.length > 0) {
    warn(`${variable}=${JSON.stringify(raw)}: ignoring ${unknown.join(', ')} (known: ${known.join(', ')}, none)`);
  }
  if (names.includes('none') && chosen.length > 0) {
    warn(`${variable}=${JSON.stringify(raw)}: "none" cannot be combined with exporters; using ${chosen.join(', ')}`);
  }
  return chosen;
}

function otlpProtocol(
  env: NodeJS.ProcessEnv,
  signal: 'TRACES' | 'METRICS' | 'LOGS',
  used: boolean,
  warn: (message: string) => void,
): OtlpProtocol {
  const specific = `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`;
  const variable = env[specific]?.trim() ? specific : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const raw = env[variable]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return 'http/protobuf';
  if ((OTLP_PROTOCOLS as readonly string[]).includes(raw)) return raw as OtlpProtocol;
  if (used) {
    warn(`${variable}=${JSON.stringify(env[variable])} is not supported here; using http/protobuf`);
  }
  return 'http/protobuf';
}

function prometheusPort(env: NodeJS.ProcessEnv, used: boolean, warn: (message: string) => void): number {
  const raw = env.OTEL_EXPORTER_PROMETHEUS_PORT?.trim();
  if (raw === undefined || raw === '') return DEFAULT_PROMETHEUS_PORT;
  const port = Number(raw);
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  if (used) {
    warn(`OTEL_EXPORTER_PROMETHEUS_PORT=${JSON.stringify(raw)} is not a port number; using ${DEFAULT_PROMETHEUS_PORT}`);
  }
  return DEFAULT_PROMETHEUS_PORT;
}
