/**
 * A real Prometheus server (Debian's `prometheus`, installed by scripts/install-system-deps.sh) on
 * loopback, scraping the targets a test gives it, and its HTTP query API.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { makeTempDir } from './tempDir';

/** A port free on 127.0.0.1 right now (for a program that takes its port as an argument). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Calls `probe` every 100 ms until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
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

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface PrometheusServer {
  port: number;
  /** An instant query through the HTTP API. */
  query(expr: string): Promise<Sample[]>;
  /** What it wrote on stderr so far. */
  log(): string;
  /** SIGTERM (its configuration and data directory is tempDir's: removed by removeTempDirs). */
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `targets` (host:port) every second as job `job`; resolves when it is ready. */
export async function startPrometheus(job: string, targets: string[]): Promise<PrometheusServer> {
  const port = await freePort();
  const dir = makeTempDir('transcriber-prometheus-');
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s' },
    scrape_configs: [{ job_name: job, static_configs: [{ targets }] }],
  };
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config)); // JSON is YAML
  const child = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (log += text));
  child.on(
    'error',
    (err) => (log += `${err.message} (the Debian package prometheus: scripts/install-system-deps.sh)\n`),
  );
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const server: PrometheusServer = {
    port,
    async query(expr) {
      const url = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`;
      const body = (await (await fetch(url)).json()) as {
        status: string;
        error?: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
  try {
    await poll(`Prometheus ready on 127.0.0.1:${port}`, 30_000, async () =>
      (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : undefined,
    );
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}; its log: ${log}`);
  }
  return server;
}
