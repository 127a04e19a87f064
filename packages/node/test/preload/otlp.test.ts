/**
 * OTEL_*_EXPORTER=otlp sends traces, metrics and logs to an OTLP/HTTP endpoint (a receiver in the
 * test, decoding what arrives), as http/protobuf or http/json, with the service name and resource
 * attributes from the environment; an unreachable endpoint is one warning and the app and the
 * SQLite exporter carry on.
 */
import * as net from 'node:net';
import { startOtlpReceiver, type OtlpReceiver } from './helpers/otlpReceiver';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { runNode, startNode, tempProject, type ProcessResult } from '../../../../test/helpers/preloadedProcess';
import { storedMetricNames, storedSpans } from '../../../../test/helpers/storedSpans';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const FILES = {
  'transcriber.config.json': JSON.stringify({
    instrument: [{ module: './work.js', export: 'step', component: 'agent' }],
  }),
  'work.js': `exports.step = function step(n) { return n + 1; };`,
  // Runs `argv[2]` ms doing a step every 50 ms, then emits an event, says how many steps it made and ends.
  'app.js': `
    const { logs } = require('@opentelemetry/api-logs');
    const { step } = require('./work.js');
    const until = Date.now() + Number(process.argv[2] ?? 0);
    let steps = 0;
    const timer = setInterval(() => {
      steps = step(steps);
      if (Date.now() < until) return;
      clearInterval(timer);
      logs.getLogger('app').emit({ eventName: 'app.turn_ended', attributes: { 'turn.number': 1 } });
      console.log('done ' + steps);
    }, 50);`,
};

const OTEL_ENV = {
  OTEL_SERVICE_NAME: 'otlp-test-agent',
  OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
  OTEL_TRACES_EXPORTER: 'otlp,sqlite',
  OTEL_METRICS_EXPORTER: 'otlp',
  OTEL_LOGS_EXPORTER: 'otlp',
};

describe.each([
  ['http/protobuf', 'application/x-protobuf'],
  ['http/json', 'application/json'],
])('OTLP %s', (protocol, contentType) => {
  let receiver: OtlpReceiver;
  let result: ProcessResult;
  let dataDir: string;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const project = tempProject(FILES);
    dataDir = project.dataDir;
    result = await runNode(['--require', '@transcriber/node/register', 'app.js', '0'], {
      cwd: project.dir,
      env: cleanEnv({
        ...OTEL_ENV,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=collector-secret',
        TRANSCRIBER_PERF_DATA_DIR: dataDir,
      }),
    });
  });
  afterAll(() => receiver.close());

  it('runs the app unchanged', () => {
    expect(result).toMatchObject({ code: 0, stdout: 'done 1\n', stderr: '' });
  });

  it(`receives the three signals as ${contentType}, with the headers and resource from the environment`, () => {
    const { received } = receiver;
    expect([...received.contentTypes]).toEqual([contentType]);
    expect([...received.apiKeys]).toEqual(['collector-secret']); // OTEL_EXPORTER_OTLP_HEADERS
    expect(received.resourceAttributes.length).toBeGreaterThanOrEqual(3);
    for (const attributes of received.resourceAttributes) {
      expect(attributes).toMatchObject({ 'service.name': 'otlp-test-agent', 'deployment.environment.name': 'test' });
    }
    expect(received.spans).toContainEqual({
      name: 'agent.step',
      scope: '@transcriber/instrumentation',
      attributes: { 'transcriber.component': 'agent', 'transcriber.operation': 'step' },
    });
    expect(received.metricNames).toContain('transcriber.operation.duration');
    expect(received.metricNames).toContain('v8js.memory.heap.used');
    expect(received.logRecords).toContainEqual({ eventName: 'app.turn_ended', attributes: { 'turn.number': 1 } });
  });

  it('keeps SQLite for the signals that list it, and only those', () => {
    expect(storedSpans(dataDir).filter((s) => s.component === 'agent').length).toBeGreaterThan(0);
    expect(storedMetricNames(dataDir).size).toBe(0);
  });
});

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const unreachableWarning = (port: number) =>
  new RegExp(
    `^transcriber: telemetry export failed: .*connect ECONNREFUSED 127\\.0\\.0\\.1:${port}.* — the app and the other exporters carry on`,
  );

it('warns once about an unreachable endpoint; the app and the SQLite exporter carry on', async () => {
  const port = await closedPort();

  const project = tempProject(FILES);
  const result = await runNode(['--require', '@transcriber/node/register', 'app.js', '2500'], {
    cwd: project.dir,
    env: cleanEnv({
      ...OTEL_ENV,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      // Give up on each export after 1 s (retries included) so the test sees the failure.
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
      OTEL_METRIC_EXPORT_INTERVAL: '500',
      TRANSCRIBER_PERF_DATA_DIR: project.dataDir,
    }),
  });
  expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^done \d+\n$/) });
  const warnings = result.stderr.trim().split('\n');
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(unreachableWarning(port));
  // Every step of its 2.5 s (about 50, fewer on a loaded machine) stored all the same.
  const steps = Number(/^done (\d+)$/m.exec(result.stdout)![1]);
  expect(steps).toBeGreaterThan(5);
  expect(storedSpans(project.dataDir).filter((s) => s.component === 'agent')).toHaveLength(steps);
});

// An app that ends at once sends its telemetry at exit, and the exporters retry a refused
// connection with backoff for longer than the exit waits (3 s, docs/configuration.md): the warning
// must not depend on where the retries fall (it came in 3 runs of 6).
it('warns once about an unreachable endpoint in every run of a short-lived app, which ends within the exit deadline', async () => {
  const EXIT_DEADLINE_MS = 3000;
  const port = await closedPort();
  const runOnce = async () => {
    const project = tempProject(FILES);
    const app = startNode(['--require', '@transcriber/node/register', 'app.js', '0'], {
      cwd: project.dir,
      env: cleanEnv({ ...OTEL_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }),
    });
    await app.waitForLine(/^done 1$/);
    const doneAt = performance.now();
    const result = await app.exited;
    return { ...result, exitLagMs: performance.now() - doneAt };
  };
  const runs = [];
  // Six runs, three at a time: each waits out the exit deadline.
  for (let batch = 0; batch < 2; batch++) runs.push(...(await Promise.all([runOnce(), runOnce(), runOnce()])));
  for (const run of runs) {
    expect(run).toMatchObject({ code: 0, signal: null, stdout: 'done 1\n' });
    const warnings = run.stderr.trim().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(unreachableWarning(port));
    // The deadline, then the exit's own synchronous writing of what SQLite still holds.
    expect(run.exitLagMs).toBeLessThan(EXIT_DEADLINE_MS + 1000);
  }
}, 60_000);
