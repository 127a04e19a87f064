import { diag } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import * as http from 'node:http';
import type { Socket } from 'node:net';

const METRICS_PATH = '/metrics';

/**
 * The exporter, served by a server of our own. The exporter's server is unref'd, but each
 * connection a scraper opens is a socket of its own, ref'd, and Prometheus keeps its connection
 * alive between scrapes: scraped every second, a finished app never exited (it only died of
 * SIGTERM). Here every connection is unref'd, and ref'd only while a request on it is answered,
 * so a scrape in flight is finished but an idle scraper never holds the app.
 */
class PrometheusEndpoint extends PrometheusExporter {
  private readonly endpoint: http.Server;
  private listening: Promise<void> | undefined;

  constructor(
    private readonly endpointHost: string,
    private readonly endpointPort: number,
  ) {
    super({ host: endpointHost, port: endpointPort, preventServerStart: true });
    this.endpoint = http.createServer((request, response) => this.answer(request, response));
    this.endpoint.unref();
    this.endpoint.on('connection', (socket: Socket) => socket.unref());
  }

  override startServer(): Promise<void> {
    this.listening ??= new Promise((resolve, reject) => {
      this.endpoint.once('error', reject);
      this.endpoint.listen({ host: this.endpointHost, port: this.endpointPort }, () => {
        this.endpoint.off('error', reject);
        resolve();
      });
    });
    return this.listening;
  }

  /** Stops listening and closes idle connections (Node's `close` does); a scrape in flight ends first. */
  override stopServer(): Promise<void> {
    if (!this.endpoint.listening) return Promise.resolve();
    return new Promise((resolve) => this.endpoint.close(() => resolve()));
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const socket = request.socket;
    socket.ref();
    response.once('close', () => socket.unref());
    if (pathOf(request.url) === METRICS_PATH) {
      this.getMetricsRequestHandler(request, response);
    } else {
      response.statusCode = 404;
      response.end();
    }
  }
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined; // not a URL: answered 404
  }
}

/**
 * The Prometheus pull endpoint (`http://host:port/metrics`). Loaded only when `prometheus` is among
 * OTEL_METRICS_EXPORTER. Neither the server nor a scraper's connections keep the app alive; a port
 * already in use is one warning, and the app and the other exporters carry on.
 */
export function createPrometheusReader(host: string, port: number): IMetricReader {
  const exporter = new PrometheusEndpoint(host, port);
  exporter.startServer().then(
    () => diag.debug(`transcriber: Prometheus metrics on http://${host}:${port}${METRICS_PATH}`),
    (err: unknown) =>
      diag.warn(
        `transcriber: the Prometheus endpoint cannot listen on ${host}:${port} (${(err as Error).message ?? String(err)}); metrics still go to the other exporters`,
      ),
  );
  // The exporter's own copy of sdk-metrics types it; the meter provider only needs the interface.
  return exporter as unknown as IMetricReader;
}
