import { BenchmarkInputError, BenchmarkSuite, runBenchFiles, type BenchRunListener } from '@transcriber/benchmarks';
import * as path from 'node:path';
import { makeTempDir, removeTempDirs, writeFiles } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const spin = `function spin(us) { const end = process.hrtime.bigint() + BigInt(us * 1000); while (process.hrtime.bigint() < end); }`;

describe('runBenchFiles', () => {
  const dir = makeTempDir();
  writeFiles(dir, {
    'a-tts.bench.js': `${spin}
let torn = false;
module.exports = {
  component: 'tts',
  setup() { globalThis.ttsSetUp = true; },
  teardown() { globalThis.ttsTornDown = true; },
  benchmarks: {
    'synthesize': () => { if (!globalThis.ttsSetUp) throw new Error('setup did not run'); spin(100); },
    'all fail': () => { throw new RangeError('voice not found'); },
    'bad options': { fn: () => {}, iterations: 0 },
    'stuck': { fn: () => new Promise(() => {}), timeoutMs: 100, iterations: 3 },
  },
};`,
    'b-throws.bench.js': `throw new Error('cannot open model');`,
    'c-stt.bench.js': `${spin} module.exports = { component: 'stt', benchmarks: { decode: () => spin(100) } };`,
    'd-unknown.bench.js': `module.exports = { component: 'speech', benchmarks: { x() {} } };`,
    'e-setup.bench.js': `module.exports = { component: 'llm', setup() { throw new Error('no API key'); }, benchmarks: { x() {} } };`,
    'f-teardown.bench.js': `module.exports = { component: 'vad', teardown: async () => { throw new Error('close failed'); }, benchmarks: { x() {} } };`,
  });
  const files = ['a-tts', 'b-throws', 'c-stt', 'd-unknown', 'e-setup', 'f-teardown'].map((n) =>
    path.join(dir, `${n}.bench.js`),
  );

  it('runs everything that can run and reports each problem, in component order', async () => {
    const suite = new BenchmarkSuite(makeTempDir(), { defaultIterations: 5 });
    const events: string[] = [];
    const listener: BenchRunListener = {
      benchmarkStart: (_file, name, component) => events.push(`start ${component}/${name}`),
      benchmarkEnd: (_file, result) => events.push(`end ${result.name} ${result.state}`),
      problem: (p) => events.push(`problem ${p.kind} ${path.basename(p.file)}`),
    };
    const report = await runBenchFiles({ suite, files, listener });
    await suite.shutdown();

    expect(report.filesLoaded).toBe(4);
    expect(report.filesRun).toBe(4);
    expect(report.results.map(({ result }) => [result.component, result.name, result.state])).toEqual([
      ['vad', 'x', 'completed'],
      ['stt', 'decode', 'completed'],
      ['tts', 'synthesize', 'completed'],
      ['tts', 'all fail', 'errored'],
      ['tts', 'stuck', 'timed-out'],
    ]);
    const problems = report.problems.map((p) => [
      path.basename(p.file),
      p.kind,
      p.benchmark,
      p.message.replace(dir, '<dir>'),
    ]);
    expect(problems).toEqual([
      ['b-throws.bench.js', 'load', undefined, 'failed to load: Error: cannot open model'],
      ['d-unknown.bench.js', 'load', undefined, expect.stringMatching(/^unknown component "speech"; expected one of:/)],
      ['f-teardown.bench.js', 'teardown', undefined, 'teardown failed: close failed'],
      ['e-setup.bench.js', 'setup', undefined, 'setup failed, its benchmarks were skipped: no API key'],
      [
        'a-tts.bench.js',
        'options',
        'bad options',
        'benchmark "bad options": iterations must be a whole number of at least 1, got 0',
      ],
    ]);
    expect((globalThis as { ttsTornDown?: boolean }).ttsTornDown).toBe(true);
    expect(events).toContain('start tts/synthesize');
    expect(events).toContain('end stuck timed-out');
    expect(events.indexOf('problem load b-throws.bench.js')).toBeLessThan(events.indexOf('start vad/x'));
  });

  it('runs only the files of one component, with the iterations given', async () => {
    const suite = new BenchmarkSuite(makeTempDir());
    const report = await runBenchFiles({ suite, files, component: 'stt', iterations: 3 });
    await suite.shutdown();
    expect(report.filesRun).toBe(1);
    expect(report.results.map(({ result }) => [result.name, result.iterations])).toEqual([['decode', 3]]);
  });

  it.each([
    [{ component: 'speech' }, /unknown component "speech"; expected one of: audio_capture/],
    [{ iterations: 0 }, 'iterations must be a whole number of at least 1, got 0'],
  ])('rejects a run with %j before running anything', async (bad, message) => {
    const dataDir = makeTempDir();
    const suite = new BenchmarkSuite(dataDir);
    const run = runBenchFiles({ suite, files, ...bad });
    await expect(run).rejects.toThrow(BenchmarkInputError);
    await expect(run).rejects.toThrow(message);
    expect(suite.getBenchmarkHistory({ days: 1 })).toEqual([]);
    await suite.shutdown();
  });
});
