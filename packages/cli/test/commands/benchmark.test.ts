import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { BIN, expectOneLineError, runCli } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

// Bench files in a project of their own. They import nothing from node_modules but the
// instrumentation (through NODE_PATH, as an installed dependency would resolve).
const NODE_PATH = path.resolve(__dirname, '../../../../node_modules');
const SPIN = `function spin(us: number): void {
  const end = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < end) {
    // a workload of known duration
  }
}`;

function project(files: Record<string, string>): string {
  const dir = makeTempDir('transcriber-cli-bench-');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function bench(cwd: string, args: string[], env: Record<string, string> = {}) {
  return runCli(['--data-dir', path.join(cwd, 'data'), 'benchmark', ...args], {
    cwd,
    env: { NODE_PATH, ...env },
  });
}

describe('transcriber benchmark', () => {
  it('says where it looked and how to write a bench file when there is none', () => {
    const cwd = project({ 'README.md': '' });
    const result = bench(cwd, []);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('No bench files found.');
    expect(result.stdout).toContain(`Looked for "benchmarks/**/*.bench.{ts,js,mjs,cjs}" in ${cwd}`);
    expect(result.stdout).toContain("export default defineBenchmarks({\n    component: 'stt'");
    expect(result.stderr).toBe('error: no bench files found\n');
  });

  it('looks where benchmarkFiles says', () => {
    const cwd = project({
      'transcriber.config.json': JSON.stringify({ benchmarkFiles: ['perf/*.perf.js'] }),
      'perf/vad.perf.js': `module.exports = { component: 'vad', benchmarks: { frame: () => {} } };`,
    });
    const result = bench(cwd, ['--iterations', '5']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^vad\s+frame\s+5\s/m);
  });

  it('runs TypeScript and JavaScript bench files, prints the table and stores every result', () => {
    const cwd = project({
      'src/audio.ts': `export const FRAME_US: number = 300;\n`,
      'benchmarks/stt.bench.ts': `import { FRAME_US } from '../src/audio';
${SPIN}
interface Clip { frames: number }
const clip: Clip = { frames: 2 };
export default {
  component: 'stt',
  benchmarks: {
    decode: () => spin(FRAME_US * clip.frames),
    'with options': { fn: async () => spin(100), iterations: 7, metadata: { model: 'tiny' } },
  },
};
`,
      'benchmarks/tts.bench.js': `exports.component = 'tts'; exports.benchmarks = { speak() {} };`,
    });
    const result = bench(cwd, ['--iterations', '12']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('component'))!;
    expect(header.split(/\s{2,}/)).toEqual([
      'component',
      'benchmark',
      'iter',
      'avg ms',
      '±95%',
      'median',
      'p95',
      'p99',
      'min',
      'max',
      'ops/s',
      'ok',
      'verdict',
    ]);
    const rows = lines.slice(lines.indexOf(header) + 1, lines.indexOf(header) + 4);
    // Component order (stt before tts); --iterations overrides a file's own.
    expect(rows.map((r) => r.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['stt', 'decode', '12'],
      ['stt', 'with options', '12'],
      ['tts', 'speak', '12'],
    ]);
    expect(rows[0]).toMatch(/first run$/);
    expect(Number(rows[0].split(/\s+/)[7])).toBeGreaterThanOrEqual(0.6); // median ≥ 2 × 300 µs
    // No progress bar on a pipe: stderr stays empty (checked above), stdout has no control codes.
    expect(result.stdout).not.toContain('\u001b');

    const history = runCli(['--data-dir', path.join(cwd, 'data'), '--json', 'benchmark', 'history', '--days', '1']);
    expect(history.status).toBe(0);
    const trends = JSON.parse(history.stdout).trends as { name: string; points: unknown[] }[];
    expect(trends.map((t) => [t.name, t.points.length])).toEqual([
      ['decode', 1],
      ['with options', 1],
      ['speak', 1],
    ]);
  });

  it('draws a progress bar on a terminal and clears it before the table', () => {
    const cwd = project({
      'benchmarks/stt.bench.js': `module.exports = { component: 'stt', benchmarks: { decode: () => {} } };`,
    });
    // `script` gives the CLI a real pseudo-terminal (stdout and stderr both on it).
    const command = [process.execPath, BIN, '--data-dir', path.join(cwd, 'data'), 'benchmark', '--iterations', '30']
      .map((a) => `'${a}'`)
      .join(' ');
    const terminal = spawnSync('script', ['-qfec', command, '/dev/null'], {
      cwd,
      env: cleanEnv({ TERM: 'xterm', NODE_PATH }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(terminal.status).toBe(0);
    const output = terminal.stdout;
    expect(output).toContain('\r\u001b[2K[........................] stt / decode  starting');
    expect(output).toContain('\r\u001b[2K[########################] stt / decode  measure 30/30');
    const cleared = output.lastIndexOf('\r\u001b[2K');
    expect(output.indexOf('Benchmarks · 1 bench file(s)')).toBeGreaterThan(cleared);
  });

  it('flags a 30% slowdown against history, exits 3 with --fail-on-regression, and stays quiet on a rerun', () => {
    const cwd = project({
      'benchmarks/stt.bench.ts': `${SPIN}
export default { component: 'stt', benchmarks: { decode: () => spin(Number(process.env.DECODE_US)) } };
`,
    });
    const run = (us: number, args: string[] = []) =>
      bench(cwd, ['--iterations', '40', ...args], { DECODE_US: String(us) });
    for (let i = 0; i < 2; i++) expect(run(1000).status).toBe(0);

    const same = run(1000, ['--fail-on-regression']);
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/^stt\s+decode\s.*no change [+-]\d+\.\d% p=/m);

    const slower = run(1300, ['--fail-on-regression']);
    expect(slower.status).toBe(3);
    expect(slower.stdout).toMatch(/^stt\s+decode\s.*regression \+\d+\.\d% p=/m);
    expect(slower.stdout).toMatch(
      /Against history\n {2}regression {2}stt \/ decode: median [\d.]+ ms vs [\d.]+ ms \(\+\d+\.\d%\) over 3 earlier run\(s\); p = /,
    );
    expect(slower.stderr).toBe('error: 1 regression(s) against history: stt / decode\n');

    // Without the flag a regression is reported but does not fail the run.
    expect(run(1300).status).toBe(0);

    const history = runCli(['--data-dir', path.join(cwd, 'data'), 'benchmark', 'history', '--days', '1']);
    expect(history.status).toBe(0);
    expect(history.stdout).toMatch(/^stt\s+decode\s+5\s+[▁▂▃▄▅▆▇█]{5}\s+[\d.]+\s+[\d.]+\s+\+\d+\.\d% slower/m);
  });

  it('reports each broken thing clearly, runs the rest, and exits 1', () => {
    const cwd = project({
      'benchmarks/a-broken.bench.js': `throw new Error('cannot open model');`,
      'benchmarks/b-unknown.bench.js': `module.exports = { component: 'speech', benchmarks: { x() {} } };`,
      'benchmarks/c-stt.bench.js': `module.exports = { component: 'stt', benchmarks: {
        good: () => {},
        'all fail': () => { throw new RangeError('no such voice'); },
        stuck: { fn: () => new Promise(() => {}), timeoutMs: 150 },
        'bad options': { fn: () => {}, warmupIterations: -1 },
      } };`,
    });
    const result = bench(cwd, ['--iterations', '4']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^stt\s+good\s+4\s.*first run$/m);
    expect(result.stdout).toMatch(/^stt\s+all fail\s+4\s.*errored$/m);
    expect(result.stdout).toMatch(/^stt\s+stuck\s+0\s.*timed out$/m);
    const problems = result.stdout.slice(result.stdout.indexOf('Problems\n')).trimEnd().split('\n').slice(1);
    expect(problems).toEqual([
      '  ✗ benchmarks/a-broken.bench.js: failed to load: Error: cannot open model',
      expect.stringMatching(
        /^ {2}✗ benchmarks\/b-unknown\.bench\.js: unknown component "speech"; expected one of: audio_capture, .*pipeline; see/,
      ),
      '  ✗ benchmarks/c-stt.bench.js / bad options: benchmark "bad options": warmupIterations must be a whole number of at least 0, got -1',
      '  ✗ stt / all fail: all 4 iterations failed (RangeError ×4): no such voice',
      '  ✗ stt / stuck: timed out after 150 ms with 0 of 4 iterations measured',
    ]);
    expect(result.stderr).toBe('error: 5 problem(s): see Problems above\n');

    const stored = runCli(['--data-dir', path.join(cwd, 'data'), '--json', 'benchmark', 'history', '--days', '1']);
    const trends = JSON.parse(stored.stdout).trends as { name: string; points: unknown[]; failedRuns: number }[];
    expect(trends.map((t) => [t.name, t.points.length, t.failedRuns])).toEqual([
      ['good', 1, 0],
      ['all fail', 0, 1],
      ['stuck', 0, 1],
    ]);
  });

  it.each([
    [['--iterations', '0'], /--iterations expects a whole number of at least 1, got "0"/],
    [['--component', 'speech'], /unknown component "speech"; valid components: audio_capture, vad, stt/],
    [['--min-effect', '-5'], /--min-effect expects a positive number/],
    [['--format', 'xml'], /unknown --format value "xml"; valid values: json, csv/],
  ])('rejects %j with one line and exit code 2, running nothing', (args, message) => {
    const cwd = project({ 'benchmarks/a.bench.js': `module.exports = { component: 'stt', benchmarks: { x() {} } };` });
    expectOneLineError(bench(cwd, args), 2, message);
    expect(fs.existsSync(path.join(cwd, 'data', 'benchmark_results.db'))).toBe(false);
  });

  it('writes the results as CSV or JSON with --output', () => {
    const cwd = project({
      'benchmarks/a.bench.js': `module.exports = { component: 'llm', benchmarks: { prompt: () => {}, 'half fail': (() => { let i = 0; return () => { if (i++ % 2) throw new TypeError('x'); }; })() } };`,
    });
    expect(bench(cwd, ['--iterations', '6', '--output', 'out.csv']).status).toBe(0);
    const csv = fs.readFileSync(path.join(cwd, 'out.csv'), 'utf8').trimEnd().split('\r\n');
    const header = csv[0].split(',');
    expect(header.slice(0, 5)).toEqual(['file', 'component', 'name', 'state', 'iterations']);
    expect(header).toEqual(expect.arrayContaining(['median_ms', 'p99_ms', 'margin_of_error_ms', 'verdict', 'p_value']));
    const row = Object.fromEntries(csv[2].split(',').map((v, i) => [header[i], v]));
    expect(row).toMatchObject({ name: 'half fail', state: 'completed', success_rate: '0.5', failures: 'TypeError×3' });

    expect(bench(cwd, ['--iterations', '6', '--output', 'out.data', '--format', 'json']).status).toBe(0);
    const data = JSON.parse(fs.readFileSync(path.join(cwd, 'out.data'), 'utf8'));
    // Compared with the first run: `prompt` has 6 samples on each side; `half fail` only 3, too few.
    const [prompt, halfFail] = data.results as {
      name: string;
      regression: { verdict: string; baselineRuns: number };
    }[];
    expect(prompt.regression.baselineRuns).toBe(1);
    expect(['no-change', 'regression', 'improvement']).toContain(prompt.regression.verdict);
    expect(halfFail.regression.verdict).toBe('insufficient-history');
    expect(data.environment.nodeVersion).toBe(process.versions.node);
  });

  it("runs the pipeline benchmark and shows each component's share from the run's spans", () => {
    const cwd = project({
      'benchmarks/pipeline.bench.ts': `import { timeOperation } from '@transcriber/instrumentation';
${SPIN}
export default {
  component: 'pipeline',
  benchmarks: {
    'voice turn': async () => {
      timeOperation('stt', 'transcribe', () => spin(1500));
      await timeOperation('llm', 'generate', async () => spin(3000));
      timeOperation('tts', 'synthesize', () => spin(500));
    },
  },
};
`,
      'benchmarks/stt.bench.js': `module.exports = { component: 'stt', benchmarks: { other: () => {} } };`,
    });
    const result = bench(cwd, ['--component', 'pipeline', '--iterations', '10']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^pipeline\s+voice turn\s+10\s/m);
    expect(result.stdout).not.toMatch(/^stt\s+other/m);
    const section = result.stdout.slice(result.stdout.indexOf('Where the time goes · voice turn')).trimEnd();
    const shares = Object.fromEntries(
      section
        .split('\n')
        .slice(2)
        .map((l) => l.split(/\s+/))
        .map(([component, share, , selfMs, spans]) => [
          component,
          { share: parseFloat(share), selfMs: Number(selfMs), spans },
        ]),
    );
    expect(Object.keys(shares).sort()).toEqual(['llm', 'pipeline', 'stt', 'tts']);
    for (const component of ['llm', 'stt', 'tts', 'pipeline']) expect(shares[component].spans).toBe('10');
    // Busy-waits cannot finish early: each component's own time per iteration is at least its wait.
    expect(shares.llm.selfMs).toBeGreaterThanOrEqual(3);
    expect(shares.stt.selfMs).toBeGreaterThanOrEqual(1.5);
    expect(shares.tts.selfMs).toBeGreaterThanOrEqual(0.5);
    // Listed by share, largest first.
    const listed = Object.values(shares).map((s) => s.share);
    expect(listed).toEqual([...listed].sort((a, b) => b - a));
  });
});

describe('transcriber benchmark history', () => {
  it('says so in one line when nothing was recorded', () => {
    const dataDir = makeTempDir();
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'benchmark', 'history']),
      1,
      /benchmark_results\.db does not exist: nothing has been recorded/,
    );
  });

  it('rejects a bad --days', () => {
    expectOneLineError(runCli(['benchmark', 'history', '--days', '0']), 2, /--days expects a positive number, got "0"/);
  });
});
