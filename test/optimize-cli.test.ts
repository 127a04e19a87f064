import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ResourceOptimizer } from '@transcriber/optimizer';
import { childSays } from './helpers/children';
import { cleanEnv } from './helpers/cleanEnv';
import { expectOneLineError, runCli } from './helpers/cli';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

// `transcriber optimize` as a user runs it (packages/cli/dist/bin.js): recommendations from data an
// agent recorded in its own process, the optimization log, and `--apply memory` carried out inside
// a running app started with the preload.
const AGENT = path.join(__dirname, 'fixtures', 'leaky-agent.js');
const APP = path.join(__dirname, 'fixtures', 'cached-models-app.js');

afterAll(removeTempDirs);

const cli = (...args: string[]) => runCli(args, { timeoutMs: 60_000 });

describe('transcriber optimize', () => {
  const dataDir = makeTempDir('transcriber-optimize-cli-');
  let pid: number;

  beforeAll(() => {
    // --expose-gc: the agent collects its start-up's garbage before its leak starts (see the fixture).
    const run = spawnSync(process.execPath, ['--expose-gc', AGENT], {
      encoding: 'utf8',
      env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: dataDir }),
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`agent failed: ${run.stderr}`);
    pid = Number(run.stdout.trim());
  }, 90_000);

  it('lists the recommendations with their expected improvement and evidence', () => {
    const run = cli('--data-dir', dataDir, 'optimize', '--minutes', '10');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Optimization recommendations, last 10 min \(\d+\)\n/);
    expect(run.stdout).toMatch(new RegExp(`\\n(high|medium) +memory +memory-growth:${pid} +stops [\\d.]+ MiB/h`));
    expect(run.stdout).toMatch(/\n(high|medium|low) +vad +latency:vad +-\d+ ms p95 operation .*\(derived\)/);
    expect(run.stdout).toMatch(/\n {2}evidence: operations 16 operations \(measured\) · p50Ms [\d.]+ ms \(measured\)/);
    expect(run.stdout).toMatch(/GC time not checked/);
  });

  it('gives the same data as JSON, filtered by component, writing nothing', () => {
    const run = cli('--data-dir', dataDir, 'optimize', '--component', 'vad', '--json');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.mode).toBe('recommendations');
    expect(result.report.recommendations.map((r: { id: string }) => r.id)).toEqual(['latency:vad']);
    expect(result.report.recommendations[0].evidence.p95Ms).toMatchObject({ unit: 'ms', basis: 'measured' });
    // Listing is reading: the optimization log holds what was optimized or logged by the app.
    expect(fs.existsSync(path.join(dataDir, 'optimization_logs.db'))).toBe(false);
  });

  it('shows what the optimizer logged: its recommendations, made through the library', async () => {
    const optimizer = new ResourceOptimizer(dataDir);
    optimizer.getOptimizationRecommendations({ minutes: 10, component: 'vad' });
    await optimizer.shutdown();
    const log = cli('--data-dir', dataDir, 'optimize', 'log', '--type', 'recommendation', '--json');
    expect(log.status).toBe(0);
    const entries = JSON.parse(log.stdout).entries as { recommendationId: string }[];
    expect(entries.filter((e) => e.recommendationId === 'latency:vad')).toHaveLength(1);
    const text = cli('--data-dir', dataDir, 'optimize', 'log');
    expect(text.stdout).toMatch(/^Optimization log, last 1440 min\n/);
    expect(text.stdout).toMatch(/ recommendation +vad +latency +(high|medium|low) +-\d+ ms p95/);
  });

  it('rejects bad input in one line', () => {
    expectOneLineError(
      cli('--data-dir', dataDir, 'optimize', '--apply', 'memory'),
      2,
      /^error: --apply memory acts on a running instrumented process.*add --pid <pid>/,
    );
    expectOneLineError(
      cli('--data-dir', dataDir, 'optimize', '--apply', 'cpu', '--pid', '1'),
      2,
      /unknown --apply value "cpu"; valid values: memory/,
    );
    expectOneLineError(cli('--data-dir', dataDir, 'optimize', '--pid', '1'), 2, /--pid goes with --apply memory/);
    expectOneLineError(cli('--data-dir', dataDir, 'optimize', '--component', 'sst'), 2, /unknown component "sst"/);
    expectOneLineError(
      cli('--data-dir', dataDir, 'optimize', '--minutes', '0'),
      2,
      /--minutes expects a positive number/,
    );
    expectOneLineError(cli('--data-dir', makeTempDir(), 'optimize'), 1, /performance_metrics.db does not exist/);
    expectOneLineError(cli('--data-dir', makeTempDir(), 'optimize', 'log'), 1, /optimization_logs.db does not exist/);
    expectOneLineError(cli('--data-dir', dataDir, 'optimize', 'log', '--type', 'all'), 2, /unknown --type value "all"/);
  });
});

describe('transcriber optimize --apply memory --pid', () => {
  let app: ChildProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeTempDir('transcriber-optimize-cli-');
    app = spawn(process.execPath, ['--require', '@transcriber/node/register', APP], {
      env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await childSays(app, 'ready', 60_000);
  });

  afterAll(async () => {
    if (app.exitCode !== null) return;
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGKILL');
    await exited;
  });

  it('purges the caches the app registered and collects garbage inside it, measured there', async () => {
    const run = cli('--data-dir', dataDir, 'optimize', '--apply', 'memory', '--pid', String(app.pid), '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ mode: 'applied', pid: app.pid });
    expect(result.memory.actions[0]).toEqual({
      action: 'purge-cache',
      cache: 'speech-models',
      entries: 4,
      accountedMb: 32,
    });
    expect(result.memory.actions[1]).toMatchObject({ action: 'gc', method: 'expose-gc' });
    // 32 MiB of model buffers left the app's memory (measured in the app, not in the CLI).
    expect(result.memory.freedMb).toBeGreaterThan(28);
    expect(result.memory.before.externalMb - result.memory.after.externalMb).toBeGreaterThan(30);

    const text = cli('--data-dir', dataDir, 'optimize', '--apply', 'memory', '--pid', String(app.pid));
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`^Memory optimization of process ${app.pid} \\(measured in that process\\)\\nfreed -?\\d+\\.\\d MiB`),
    );
    expect(text.stdout).toMatch(/purged cache speech-models: 0 entries/);

    // Logged by the app's own SDK: visible once it has exported (flushed on each request).
    const log = cli('--data-dir', dataDir, 'optimize', 'log', '--type', 'action', '--json');
    expect(log.status).toBe(0);
    const actions = JSON.parse(log.stdout).entries as { kind: string; improvementBasis: string }[];
    expect(actions).toHaveLength(2);
    expect(actions.every((a) => a.kind === 'memory' && a.improvementBasis === 'measured')).toBe(true);

    const exited = new Promise<string>((resolve) => {
      let out = '';
      app.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
      app.once('exit', () => resolve(out));
    });
    app.kill('SIGTERM');
    expect(await exited).toMatch(/entries 0\n/);
  });

  it('says so in one line when the process is not instrumented or not running', () => {
    expectOneLineError(
      cli('--data-dir', dataDir, 'optimize', '--apply', 'memory', '--pid', String(process.pid)),
      1,
      /is not instrumented/,
    );
    expectOneLineError(
      cli('--data-dir', dataDir, 'optimize', '--apply', 'memory', '--pid', '999999'),
      1,
      /no process with pid 999999 is running/,
    );
  });
});
