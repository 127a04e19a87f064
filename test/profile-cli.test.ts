import BetterSqlite3 from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { childSays } from './helpers/children';
import { expectOneLineError, runCli } from './helpers/cli';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

// `transcriber profile` against real processes: an instrumented app (test/fixtures/profiled-app.js)
// reached through its control socket, and the CLI run as a user would (packages/cli/dist/bin.js).
const APP = path.join(__dirname, 'fixtures', 'profiled-app.js');

const cli = (dataDir: string, ...args: string[]) =>
  runCli(['--data-dir', dataDir, 'profile', ...args], { timeoutMs: 60_000 });

async function startApp(dataDir: string, mode = ''): Promise<ChildProcess> {
  const app = spawn(process.execPath, [APP, dataDir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  await childSays(app, 'ready', 60_000);
  return app;
}

async function stopApp(app: ChildProcess): Promise<void> {
  if (app.exitCode !== null) return;
  const exited = new Promise((resolve) => app.once('exit', resolve));
  app.kill('SIGTERM');
  await exited;
}

afterAll(removeTempDirs);

describe('transcriber profile --pid', () => {
  let dataDir: string;
  let app: ChildProcess;

  beforeAll(async () => {
    dataDir = makeTempDir();
    app = await startApp(dataDir);
  });
  afterAll(() => stopApp(app));

  it('prints the CPU per component and the hot spots, and where the raw profile is', () => {
    const run = cli(dataDir, '--pid', String(app.pid), '--duration', '1.5');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Profile of pid \d+/);
    expect(run.stdout).toMatch(/\nstt +[\d.]+ +\d+\.\d% .*decodeSpeechFrames/);
    expect(run.stdout).toMatch(/\nllm +[\d.]+ +\d+\.\d% .*planAnswer/);
    const cpuProfile = /cpu profile: +(\S+\.cpuprofile)/.exec(run.stdout)![1];
    expect(JSON.parse(fs.readFileSync(cpuProfile, 'utf8')).nodes.length).toBeGreaterThan(1);
  });

  it('gives the same data as JSON, focused on one component, and writes it to --output', () => {
    const output = path.join(makeTempDir(), 'stt.json');
    const run = cli(
      dataDir,
      '--pid',
      String(app.pid),
      '--duration',
      '1',
      '--component',
      'stt',
      '--json',
      '--output',
      output,
    );
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.component).toBe('stt');
    const share = Object.fromEntries(
      report.components.map((c: { component: string; share: number }) => [c.component, c.share]),
    );
    expect(share.stt).toBeGreaterThan(share.llm);
    const js = report.topFunctions.filter((f: { file: string }) => f.file !== '');
    expect(js[0].function).toBe('decodeSpeechFrames');
    expect(JSON.parse(fs.readFileSync(output, 'utf8'))).toMatchObject({ component: 'stt', outputFile: output });
  });

  // The report once said "7 samples · 10.1 ms CPU" above a table counting ~44 for the same
  // component, gave hot-spot shares that disagreed with their milliseconds, and named the
  // instrumentation's own frames a component's hottest function.
  it('states every figure of what, and the figures agree: header, component table and hot spots', () => {
    const run = cli(dataDir, '--pid', String(app.pid), '--duration', '1', '--component', 'stt');
    expect(run.status).toBe(0);
    const text = run.stdout;
    const total = /\n[\d.]+ s · ([\d.,]+) ms CPU in ([\d,]+) samples\n/.exec(text)!;
    const [totalMs, totalSamples] = [Number(total[1].replace(/,/g, '')), Number(total[2].replace(/,/g, ''))];
    expect(text).toContain(
      "CPU: the main thread's time in V8's samples (each counts as their mean interval), idle left out; every share below is of it",
    );
    const focus = /\nstt: ([\d.]+) ms CPU in (\d+) samples \(([\d.]+)%\)\n/.exec(text)!;
    // The component table: every sample in one row, the rows adding up to the header.
    const table = text.slice(text.indexOf('CPU by component'), text.indexOf('Hot spots of stt'));
    const rows = [...table.matchAll(/\n(\(no operation\)|\S+) +([\d.]+) +([\d.]+)% +(\d+)/g)].map((m) => ({
      component: m[1],
      cpuMs: Number(m[2]),
      share: Number(m[3]),
      samples: Number(m[4]),
    }));
    expect(rows.map((r) => r.component)).toEqual(
      expect.arrayContaining(['stt', '(no operation)', '(instrumentation)']),
    );
    expect(rows.reduce((n, r) => n + r.samples, 0)).toBe(totalSamples);
    expect(rows.reduce((n, r) => n + r.share, 0)).toBeCloseTo(100, 0);
    const stt = rows.find((r) => r.component === 'stt')!;
    expect([stt.cpuMs, stt.samples, stt.share]).toEqual([Number(focus[1]), Number(focus[2]), Number(focus[3])]);
    for (const row of rows) expect(Math.abs(row.share - (100 * row.cpuMs) / totalMs)).toBeLessThan(0.2);
    // Hot spots: each share is its self ms over the component's CPU, as the legend says.
    expect(text).toContain(`self share: of the ${focus[1]} ms CPU of stt`);
    const spots = [
      ...text.slice(text.indexOf('Hot spots of stt')).matchAll(/\n(\S+) .*? ([\d.]+) +([\d.]+) +([\d.]+)%/g),
    ];
    expect(spots.length).toBeGreaterThan(0);
    for (const [, , selfMs, , share] of spots) {
      expect(Math.abs(Number(share) - (100 * Number(selfMs)) / Number(focus[1]))).toBeLessThan(0.2);
    }
    // Our own frames are the overhead's, in a section of its own, never a component's hot spot.
    expect(text).toMatch(/\nInstrumentation overhead\n[\d.]+ ms CPU in \d+ samples \([\d.]+%\)/);
    const report = JSON.parse(cli(dataDir, '--pid', String(app.pid), '--duration', '1', '--json').stdout);
    const ourFile = /[\\/](node_modules[\\/]@opentelemetry|packages[\\/](instrumentation|profiler|node|storage))[\\/]/;
    for (const spot of [
      ...report.topFunctions,
      ...report.components.flatMap((c: { topFunctions: [] }) => c.topFunctions),
    ])
      expect(spot.file).not.toMatch(ourFile);
    expect(report.instrumentation.topFunctions.some((f: { file: string }) => ourFile.test(f.file))).toBe(true);
  });

  it('writes a text report to a --output file that is not .json', () => {
    const output = path.join(makeTempDir(), 'profile.txt');
    expect(cli(dataDir, '--pid', String(app.pid), '--duration', '0.5', '--output', output).status).toBe(0);
    expect(fs.readFileSync(output, 'utf8')).toMatch(/^Profile of pid \d+[\s\S]*CPU by component/);
  });
});

describe('transcriber profile --memory', () => {
  it('reports a suspected leak and the function that keeps the memory', async () => {
    const dataDir = makeTempDir();
    const app = await startApp(dataDir, 'leak');
    try {
      const run = cli(dataDir, '--pid', String(app.pid), '--duration', '1.5', '--memory');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/suspected leak: the app keeps [\d.]+ [KMG]i?B more per interval after GC/);
      expect(run.stdout).toMatch(/\n {2}keepTranscripts .*profiled-app\.js:\d+: holds/);
    } finally {
      await stopApp(app);
    }
  });
});

describe('transcriber profile -- node <program>', () => {
  const PIPELINE = path.join(__dirname, 'fixtures', 'preloaded-pipeline.js');

  it('starts the program with the preload, profiles it, stops it and keeps the result', () => {
    const dataDir = makeTempDir();
    const run = cli(dataDir, '--duration', '1.5', '--json', '--', 'node', PIPELINE);
    expect(run.status).toBe(0);
    // The program's output goes to stderr; the preload took the request out of its environment.
    expect(run.stderr).toContain('pipeline running (start-up profile request not inherited)');
    const report = JSON.parse(run.stdout);
    expect(report.command).toEqual(['node', PIPELINE]);
    expect(report.endedEarly).toBe(false);
    expect(report.components[0]).toMatchObject({ component: 'stt' });
    expect(() => process.kill(report.pid, 0)).toThrow(); // stopped after the profile
    const db = new BetterSqlite3(path.join(dataDir, 'profile_results.db'), { readonly: true });
    const rows = db.prepare('SELECT kind, pid FROM profile_results').all();
    db.close();
    expect(rows).toEqual([{ kind: 'process', pid: report.pid }]);
  });

  it('reports a program that ends before the duration, with what was recorded', () => {
    const run = cli(makeTempDir(), '--duration', '30', '--json', '--', 'node', PIPELINE, '1');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.endedEarly).toBe(true);
    // From before the program's first line to its end: all of its 1 s run, however slow its start.
    expect(report.durationMs).toBeGreaterThanOrEqual(1000);
    expect(report.durationMs).toBeLessThan(5000);
    expect(report.components.map((c: { component: string }) => c.component)).toContain('stt');
  });

  it('says so in one line when the program exits before it can be profiled', () => {
    const run = cli(makeTempDir(), '--duration', '5', '--', 'node', '-e', 'process.exit(4)');
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('error: the program exited (code 4) before its profiler control channel opened');
  });
});

describe('transcriber profile: bad input', () => {
  const dataDir = makeTempDir();

  it.each([
    [
      ['--pid', '1', '--component', 'speech'],
      2,
      /unknown component "speech"; valid components: audio_capture, vad, stt/,
    ],
    [['--pid', '1', '--duration', '0'], 2, /--duration expects a positive number, got "0"/],
    [['--pid', '1', '--duration', 'soon'], 2, /--duration expects a positive number, got "soon"/],
    [['--pid', 'abc'], 2, /--pid expects a whole number of at least 1, got "abc"/],
    [[], 2, /choose what to profile: --pid N, or -- node <program>/],
    [['--pid', '1', '--', 'node', 'app.js'], 2, /either --pid or a program to start, not both/],
  ])('%j → exit %i', (args, code, message) => {
    expectOneLineError(cli(dataDir, ...(args as string[])), code, message);
  });

  it('refuses a pid that is not running', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    expectOneLineError(
      cli(dataDir, '--pid', String(gone), '--duration', '1'),
      1,
      new RegExp(`error: no process with pid ${gone} is running`),
    );
  });

  it('refuses a running process that is not instrumented', async () => {
    const plain = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      expectOneLineError(
        cli(dataDir, '--pid', String(plain.pid), '--duration', '1'),
        1,
        new RegExp(`error: process ${plain.pid} is not instrumented`),
      );
    } finally {
      plain.kill();
    }
  });

  it('refuses an output path it cannot write, before profiling', () => {
    const missing = path.join(dataDir, 'no', 'such', 'dir', 'report.json');
    expectOneLineError(
      cli(dataDir, '--pid', String(process.pid), '--duration', '60', '--output', missing),
      2,
      /cannot write export file .*report\.json: its directory does not exist/,
    );
  });
});
