import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResourceOptimizer } from '@transcriber/optimizer';

// `transcriber optimize` as a user runs it (packages/cli/dist/bin.js): recommendations from data an
// agent recorded in its own process, the optimization log, and `--apply memory` carried out inside
// a running app started with the preload.
const BIN = path.join(__dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const AGENT = path.join(__dirname, 'fixtures', 'leaky-agent.js');
const APP = path.join(__dirname, 'fixtures', 'cached-models-app.js');

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-optimize-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TRANSCRIBER_PERF_') && !key.startsWith('OTEL_')) clean[key] = value;
  }
  return { ...clean, NO_COLOR: '1', ...extra };
}

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: env(), timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function oneLineError(run: { code: number | null; stdout: string; stderr: string }, code: number, pattern: RegExp) {
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code, stdout: '' });
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(pattern);
}

describe('transcriber optimize', () => {
  const dataDir = tempDir();
  let pid: number;

  beforeAll(() => {
    const run = spawnSync(process.execPath, [AGENT], {
      encoding: 'utf8',
      env: env({ TRANSCRIBER_PERF_DATA_DIR: dataDir }),
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`agent failed: ${run.stderr}`);
    pid = Number(run.stdout.trim());
  });

  it('lists the recommendations with their expected improvement and evidence', () => {
    const run = cli('--data-dir', dataDir, 'optimize', '--minutes', '10');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Optimization recommendations, last 10 min \(\d+\)\n/);
    expect(run.stdout).toMatch(new RegExp(`\\n(high|medium) +memory +memory-growth:${pid} +stops [\\d.]+ MiB/h`));
    expect(run.stdout).toMatch(/\n(high|medium|low) +vad +latency:vad +-\d+ ms p95 operation .*\(derived\)/);
    expect(run.stdout).toMatch(/\n {2}evidence: operations 16 operations \(measured\) · p50Ms [\d.]+ ms \(measured\)/);
    expect(run.stdout).toMatch(/GC time not checked/);
  });

  it('gives the same data as JSON, filtered by component, writing nothing', () => {
    const run = cli('--data-dir', dataDir, 'optimize', '--component', 'vad', '--json');
    expect(run.code).toBe(0);
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
    expect(log.code).toBe(0);
    const entries = JSON.parse(log.stdout).entries as { recommendationId: string }[];
    expect(entries.filter((e) => e.recommendationId === 'latency:vad')).toHaveLength(1);
    const text = cli('--data-dir', dataDir, 'optimize', 'log');
    expect(text.stdout).toMatch(/^Optimization log, last 1440 min\n/);
    expect(text.stdout).toMatch(/ recommendation +vad +latency +(high|medium|low) +-\d+ ms p95/);
  });

  it('rejects bad input in one line', () => {
    oneLineError(
      cli('--data-dir', dataDir, 'optimize', '--apply', 'memory'),
      2,
      /^error: --apply memory acts on a running instrumented process.*add --pid <pid>/,
    );
    oneLineError(
      cli('--data-dir', dataDir, 'optimize', '--apply', 'cpu', '--pid', '1'),
      2,
      /unknown --apply value "cpu"; valid values: memory/,
    );
    oneLineError(cli('--data-dir', dataDir, 'optimize', '--pid', '1'), 2, /--pid goes with --apply memory/);
    oneLineError(cli('--data-dir', dataDir, 'optimize', '--component', 'sst'), 2, /unknown component "sst"/);
    oneLineError(cli('--data-dir', dataDir, 'optimize', '--minutes', '0'), 2, /--minutes expects a positive number/);
    oneLineError(cli('--data-dir', tempDir(), 'optimize'), 1, /performance_metrics.db does not exist/);
    oneLineError(cli('--data-dir', tempDir(), 'optimize', 'log'), 1, /optimization_logs.db does not exist/);
    oneLineError(cli('--data-dir', dataDir, 'optimize', 'log', '--type', 'all'), 2, /unknown --type value "all"/);
  });
});

describe('transcriber optimize --apply memory --pid', () => {
  let app: ChildProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir();
    app = spawn(process.execPath, ['--require', '@transcriber/node/register', APP], {
      env: env({ TRANSCRIBER_PERF_DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      app.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready\n')) resolve();
      });
      app.once('exit', (code) => reject(new Error(`app exited (${code}) before it was ready`)));
    });
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
    expect(run.code).toBe(0);
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
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`^Memory optimization of process ${app.pid} \\(measured in that process\\)\\nfreed -?\\d+\\.\\d MiB`),
    );
    expect(text.stdout).toMatch(/purged cache speech-models: 0 entries/);

    // Logged by the app's own SDK: visible once it has exported (flushed on each request).
    const log = cli('--data-dir', dataDir, 'optimize', 'log', '--type', 'action', '--json');
    expect(log.code).toBe(0);
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
    oneLineError(
      cli('--data-dir', dataDir, 'optimize', '--apply', 'memory', '--pid', String(process.pid)),
      1,
      /is not instrumented/,
    );
    oneLineError(
      cli('--data-dir', dataDir, 'optimize', '--apply', 'memory', '--pid', '999999'),
      1,
      /no process with pid 999999 is running/,
    );
  });
});
