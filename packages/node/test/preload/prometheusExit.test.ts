/**
 * A scraped app ends when its work ends, as it would without the preload: a scraper's keep-alive
 * connection to the Prometheus endpoint must not hold it open (it did, for as long as the scraper
 * scraped: a real Prometheus every second kept a finished app alive until SIGTERM). Checked with a
 * real Prometheus and with a keep-alive HTTP client; the app's exit code stays its own.
 */
import * as http from 'node:http';
import { freePort, poll, startPrometheus, type PrometheusServer } from '../../../../test/helpers/prometheus';
import { removeTempDirs, writeFiles } from '../../../../test/helpers/tempDir';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { startNode, tempProject, type ProcessResult } from '../../../../test/helpers/preloadedProcess';
import { storedSpans } from '../../../../test/helpers/storedSpans';

afterAll(removeTempDirs);

/** The app works until the test creates this file in its directory (or this long at most). */
const STOP_FILE = 'stop';
const MAX_WORK_MS = 30_000;
/** At exit the preload waits at most 3 s for the exporters (docs/configuration.md). */
const EXIT_DEADLINE_MS = 3000;

const FILES = {
  'transcriber.config.json': JSON.stringify({
    instrument: [{ module: './work.js', export: 'step', component: 'stt' }],
  }),
  'work.js': `exports.step = function step(n) { return n + 1; };`,
  // Works on a timer until told to stop, says so and leaves nothing pending: Node exits, with code 3.
  'app.js': `
    const fs = require('node:fs');
    const { step } = require('./work.js');
    console.log('ready');
    const until = Date.now() + ${MAX_WORK_MS};
    let n = 0;
    const timer = setInterval(() => {
      n = step(n);
      if (fs.existsSync('${STOP_FILE}') || Date.now() > until) {
        clearInterval(timer);
        process.exitCode = 3;
        console.log('done ' + n);
      }
    }, 20);`,
};

interface ScrapedRun {
  result: ProcessResult;
  /** From the app's "done" line to its exit, ms. */
  exitLagMs: number;
  dataDir: string;
}

/**
 * Runs the app with the Prometheus endpoint on `port`: `scraper` runs until the app has exited,
 * and the app stops working once `scraped` resolves.
 */
async function runScraped(
  port: number,
  scraper: (appExited: AbortSignal) => Promise<void>,
  scraped: () => Promise<void>,
): Promise<ScrapedRun> {
  const project = tempProject(FILES);
  const app = startNode(['--require', '@transcriber/node/register', 'app.js'], {
    cwd: project.dir,
    env: cleanEnv({
      OTEL_METRICS_EXPORTER: 'prometheus,sqlite',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      TRANSCRIBER_PERF_DATA_DIR: project.dataDir,
    }),
  });
  // Without the fix the app never ends: a bound, so the test fails instead of hanging.
  const killer = setTimeout(() => app.kill('SIGKILL'), MAX_WORK_MS + 20_000);
  const appExited = new AbortController();
  void app.exited.then(() => appExited.abort());
  await app.waitForLine(/^ready$/);
  const scraping = scraper(appExited.signal);
  await scraped();
  writeFiles(project.dir, { [STOP_FILE]: '' });
  await app.waitForLine(/^done \d+$/, MAX_WORK_MS);
  const doneAt = performance.now();
  const result = await app.exited;
  const exitLagMs = performance.now() - doneAt;
  clearTimeout(killer);
  await scraping;
  return { result, exitLagMs, dataDir: project.dataDir };
}

describe('scraped by a real Prometheus every second', () => {
  let prometheus: PrometheusServer;
  let run: ScrapedRun;

  beforeAll(async () => {
    const port = await freePort();
    prometheus = await startPrometheus('app', [`127.0.0.1:${port}`]);
    // Two successful scrapes (`up` is 1 for each): its connection is open and kept.
    const scrapedTwice = () =>
      poll('two scrapes of the app', 20_000, async () => {
        const [sample] = await prometheus.query('sum_over_time(up{job="app"}[1m])');
        return sample !== undefined && sample.value >= 2 ? true : undefined;
      }).then(() => undefined);
    run = await runScraped(port, async () => undefined, scrapedTwice);
  }, 60_000);

  afterAll(() => prometheus?.stop());

  it('ends on its own with its own exit code, within the exit deadline of its last line', () => {
    expect(run.result).toMatchObject({ code: 3, signal: null, stderr: '' });
    expect(run.exitLagMs).toBeLessThan(EXIT_DEADLINE_MS);
  });

  it('still flushed what it recorded to SQLite', () => {
    const done = Number(/^done (\d+)$/m.exec(run.result.stdout)![1]);
    expect(storedSpans(run.dataDir).filter((s) => s.component === 'stt')).toHaveLength(done);
  });
});

describe('scraped by a keep-alive client every 100 ms', () => {
  let run: ScrapedRun;
  let answered = 0;
  let reused = 0;

  beforeAll(async () => {
    const port = await freePort();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const scrapeOnce = () =>
      new Promise<void>((resolve) => {
        const request = http.get({ host: '127.0.0.1', port, path: '/metrics', agent }, (response) => {
          response.resume();
          response.on('end', () => {
            answered++;
            if (request.reusedSocket) reused++;
            resolve();
          });
        });
        request.on('error', () => resolve()); // not listening yet, or the app has ended
      });
    run = await runScraped(
      port,
      async (appExited) => {
        while (!appExited.aborted) {
          await scrapeOnce();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      () =>
        poll('ten scrapes on a kept connection', 20_000, async () => (reused >= 10 ? true : undefined)).then(
          () => undefined,
        ),
    ).finally(() => agent.destroy());
  }, 60_000);

  it('ends on its own with its own exit code, within the exit deadline of its last line', () => {
    // The connection was kept and reused between scrapes.
    expect(answered).toBeGreaterThanOrEqual(10);
    expect(reused).toBeGreaterThanOrEqual(10);
    expect(run.result).toMatchObject({ code: 3, signal: null, stderr: '' });
    expect(run.exitLagMs).toBeLessThan(EXIT_DEADLINE_MS);
  });
});
