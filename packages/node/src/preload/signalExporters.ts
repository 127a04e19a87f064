/* eslint-disable @typescript-eslint/no-require-imports -- OTLP and Prometheus code loads only when chosen */
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { ConsoleMetricExporter, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { PerformanceConfig } from '../config/performanceConfig';
import type { TelemetryOptions } from '../sdk/startTelemetry';
import { reportExportFailure } from './exportErrorReporter';
import type { OtelEnvironment } from './otelEnvironment';

type OtlpModule = typeof import('../otlp/otlpExporters');
type PrometheusModule = typeof import('../prometheus/prometheusReader');

/** The exporters OTEL_TRACES_EXPORTER / _METRICS_ / _LOGS_ ask for, as startTelemetry options. */
export function signalExporters(
  environment: OtelEnvironment,
  config: PerformanceConfig,
): Pick<TelemetryOptions, 'sqlite' | 'spanExporters' | 'metricReaders' | 'logExporters'> {
  const otlp = (): OtlpModule => require('../otlp/otlpExporters') as OtlpModule;
  // The same warning, once, whether the first connection fails or the exporter gives up on it.
  const onConnectFailure = (err: Error): void => reportExportFailure(err, 'cannot reach the OTLP endpoint: ');
  const exportIntervalMillis = Math.round(config.metricExportInterval * 1000);
  const periodic = (exporter: ConstructorParameters<typeof PeriodicExportingMetricReader>[0]['exporter']) =>
    new PeriodicExportingMetricReader({ exporter, exportIntervalMillis });

  const spanExporters: SpanExporter[] = [];
  for (const name of environment.traces) {
    if (name === 'otlp')
      spanExporters.push(otlp().createOtlpSpanExporter(environment.otlpProtocol.traces, onConnectFailure));
    if (name === 'console') spanExporters.push(new ConsoleSpanExporter());
  }
  const metricReaders: IMetricReader[] = [];
  for (const name of environment.metrics) {
    if (name === 'otlp')
      metricReaders.push(
        periodic(
          otlp().createOtlpMetricExporter(environment.otlpProtocol.metrics, exportIntervalMillis, onConnectFailure),
        ),
      );
    if (name === 'console') metricReaders.push(periodic(new ConsoleMetricExporter()));
    if (name === 'prometheus') {
      const { createPrometheusReader } = require('../prometheus/prometheusReader') as PrometheusModule;
      metricReaders.push(createPrometheusReader(environment.prometheus.host, environment.prometheus.port));
    }
  }
  const logExporters: LogRecordExporter[] = [];
  for (const name of environment.logs) {
    if (name === 'otlp')
      logExporters.push(otlp().createOtlpLogExporter(environment.otlpProtocol.logs, onConnectFailure));
    if (name === 'console') {
      // The logs SDK itself loads only with the first logger (see LazyLoggerProvider).
      const { ConsoleLogRecordExporter } =
        require('@opentelemetry/sdk-logs') as typeof import('@opentelemetry/sdk-logs');
      logExporters.push(new ConsoleLogRecordExporter());
    }
  }
  return {
    sqlite: {
      traces: environment.traces.includes('sqlite'),
      metrics: environment.metrics.includes('sqlite'),
      logs: environment.logs.includes('sqlite'),
    },
    spanExporters,
    metricReaders,
    logExporters,
  };
}
