import { diag } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';

/**
 * The Prometheus pull endpoint (`http://host:port/metrics`). Loaded only when `prometheus` is among
 * OTEL_METRICS_EXPORTER. The server is unref'd (it never keeps the app alive); a port already in use
 * is one warning, and the app and the other exporters carry on.
 */
export function createPrometheusReader(host: string, port: number): IMetricReader {
  const exporter = new PrometheusExporter({ host, port, preventServerStart: true });
  exporter.startServer().then(
    () => diag.debug(`transcriber: Prometheus metrics on http://${host}:${port}/metrics`),
    (err: unknown) =>
      diag.warn(
        `transcriber: the Prometheus endpoint cannot listen on ${host}:${port} (${(err as Error).message ?? String(err)}); metrics still go to the other exporters`,
      ),
  );
  // The exporter's own copy of sdk-metrics types it; the meter provider only needs the interface.
  return exporter as unknown as IMetricReader;
}
