import { BENCHMARK_ATTR, EVENT_ATTR, EVENT_BENCHMARK_RESULT } from '@transcriber/instrumentation';
import { BenchmarkInputError, BenchmarkSuite, currentEnvironment, type BenchmarkResult } from '@transcriber/benchmarks';
import { createEventEmitter } from '@transcriber/storage/events';
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';
import { busyWaitUs } from './helpers/workload';

afterAll(removeTempDirs);

function completed(result: BenchmarkResult) {
  if (result.state !== 'completed') throw new Error(`expected a completed run, got ${result.state}`);
  return result;
}

describe('BenchmarkSuite used standalone (no SDK in the process)', () => {
  let dataDir: string;
  let suite: BenchmarkSuite;
  beforeEach(() => {
    dataDir = makeTempDir();
    suite = new BenchmarkSuite(dataDir);
  });
  afterEach(() => suite.shutdown());

  it('returns every statistic and stores the run, samples included, before resolving', async () => {
    const result = completed(
      await suite.runBenchmark({
        name: 'vad frame',
        component: 'vad',
        fn: () => busyWaitUs(300),
        iterations: 30,
        warmupIterations: 3,
        metadata: { frameMs: 20 },
      }),
    );
    expect(result.iterations).toBe(30);
    expect(result.samples.length).toBe(30);
    expect(result.minTimeMs).toBeGreaterThanOrEqual(0.3);
    expect(result.minTimeMs).toBeLessThanOrEqual(result.medianTimeMs);
    expect(result.medianTimeMs).toBeLessThanOrEqual(result.p95TimeMs);
    expect(result.p95TimeMs).toBeLessThanOrEqual(result.p99TimeMs);
    expect(result.p99TimeMs).toBeLessThanOrEqual(result.maxTimeMs);
    expect(result.marginOfErrorMs).toBeGreaterThan(0);
    expect(result.successRate).toBe(1);
    expect(result.throughputPerSec).toBeCloseTo((30 * 1000) / result.totalTimeMs, 6);
    expect(result.environment.nodeVersion).toBe(process.versions.node);
    expect(result.environment.cores).toBeGreaterThanOrEqual(1);
    expect(result.environment.cpuModel).not.toBe('');
    expect(result.environmentKey).toMatch(/^[0-9a-f]{16}$/);
    expect(result.regression.verdict).toBe('insufficient-history');

    // Visible at once, without waiting.
    const [stored] = suite.getBenchmarkHistory({ days: 1 });
    expect(stored.name).toBe('vad frame');
    expect(stored.component).toBe('vad');
    expect(stored.state).toBe('completed');
    expect(Array.from(stored.samples)).toEqual(Array.from(result.samples)); // exact: float64 round trip
    expect(stored.medianMs).toBe(result.medianTimeMs);
    expect(stored.p99Ms).toBe(result.p99TimeMs);
    expect(stored.marginOfErrorMs).toBe(result.marginOfErrorMs);
    expect(stored.environmentKey).toBe(result.environmentKey);
    expect(stored.environment).toEqual(result.environment);
    expect(stored.metadata).toEqual({ frameMs: 20 });
    expect(stored.details).toMatchObject({ warmupIterations: 3, regression: { verdict: 'insufficient-history' } });

    // The BLOB is 8 little-endian bytes per sample, readable by any SQLite client.
    const db = new Database(path.join(dataDir, 'benchmark_results.db'), { readonly: true });
    const row = db.prepare('SELECT samples, state, event_name FROM benchmark_results').get() as {
      samples: Buffer;
      state: string;
      event_name: string;
    };
    db.close();
    expect(row.event_name).toBe(EVENT_BENCHMARK_RESULT);
    expect(row.state).toBe('completed');
    expect(row.samples.length).toBe(30 * 8);
    expect(row.samples.readDoubleLE(8)).toBe(result.samples[1]);
  });

  it('records the git commit of the working directory', () => {
    // The tests run inside this repository's checkout.
    expect(currentEnvironment().environment.gitCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('measures async functions, awaiting each iteration', async () => {
    const result = completed(
      await suite.runBenchmark({
        name: 'tts request',
        component: 'tts',
        // The work after the await is only timed if the iteration is awaited.
        fn: async () => {
          await new Promise(setImmediate);
          busyWaitUs(2000);
        },
        iterations: 5,
        warmupIterations: 0,
      }),
    );
    expect(result.minTimeMs).toBeGreaterThanOrEqual(2);
  });

  it('flags a real 30% slowdown of a calibrated workload, and stays quiet when it is repeated unchanged', async () => {
    // 250 µs iterations: on a loaded machine (other processes on every core) a process is taken off
    // its core for milliseconds at a time; 1 ms iterations were stretched often enough to move a
    // run's median by 10%, iterations this short rarely enough to leave it where it was.
    const run = (microseconds: number) =>
      suite.runBenchmark({ name: 'stt decode', component: 'stt', fn: () => busyWaitUs(microseconds), iterations: 40 });
    for (let i = 0; i < 3; i++) expect(completed(await run(250)).regression.verdict).not.toBe('regression');

    const same = completed(await run(250)).regression;
    expect(same.verdict).toBe('no-change');
    expect(same.baselineRuns).toBe(3);
    expect(Math.abs(same.effectPercent)).toBeLessThan(10);

    const slower = completed(await run(325)).regression;
    expect(slower.verdict).toBe('regression');
    expect(slower.effectPercent).toBeGreaterThan(20);
    expect(slower.pValue).toBeLessThan(0.001);
    expect(slower.baselineRuns).toBe(4);
    expect(slower.baselineMedianMs).toBeGreaterThanOrEqual(0.25);
    expect(slower.summary).toMatch(/^median 0\.3\d\d ms vs 0\.2\d\d ms \(\+\d+\.\d%\) over 4 earlier run\(s\)/);
  });

  it('compares only with runs of the same environment', async () => {
    const emitter = createEventEmitter({ dataDir });
    const samples = new Float64Array(40).fill(50);
    emitter.emit(EVENT_BENCHMARK_RESULT, {
      [BENCHMARK_ATTR.NAME]: 'llm prompt',
      [EVENT_ATTR.COMPONENT]: 'llm',
      [BENCHMARK_ATTR.STATE]: 'completed',
      [BENCHMARK_ATTR.ENVIRONMENT_KEY]: 'another-machine',
      [BENCHMARK_ATTR.SAMPLES]: new Uint8Array(samples.buffer),
    });
    await emitter.flush();
    await emitter.shutdown();
    const result = completed(
      await suite.runBenchmark({ name: 'llm prompt', component: 'llm', fn: () => busyWaitUs(100), iterations: 20 }),
    );
    expect(result.regression.verdict).toBe('insufficient-history');
    expect(suite.getBenchmarkHistory({ days: 1, name: 'llm prompt' })).toHaveLength(2);
  });

  it('counts failing iterations by type and still completes when some succeed', async () => {
    let i = 0;
    const result = completed(
      await suite.runBenchmark({
        name: 'tool call',
        component: 'tool',
        fn: () => {
          if (++i % 2 === 0) throw new SyntaxError('secret user text');
        },
        iterations: 10,
        warmupIterations: 0,
      }),
    );
    expect(result.successRate).toBe(0.5);
    expect(result.failures).toEqual([{ errorType: 'SyntaxError', count: 5, firstMessage: 'secret user text' }]);
    const [stored] = suite.getBenchmarkHistory({ days: 1 });
    expect(stored.failures).toEqual([{ errorType: 'SyntaxError', count: 5 }]); // the message is not stored
    expect(stored.successRate).toBe(0.5);
  });

  it('reports a benchmark whose every iteration fails as errored, and stores it', async () => {
    const result = await suite.runBenchmark({
      name: 'broken',
      component: 'agent',
      fn: async () => {
        throw new TypeError('model not loaded');
      },
      iterations: 4,
    });
    expect(result.state).toBe('errored');
    if (result.state !== 'errored') return;
    expect(result.error).toBe('all 4 iterations failed (TypeError ×4): model not loaded');
    expect(result.avgTimeMs).toBeNaN();
    const [stored] = suite.getBenchmarkHistory({ days: 1 });
    expect(stored.state).toBe('errored');
    expect(stored.avgMs).toBeNull();
    expect(stored.samples.length).toBe(0);
  });

  it('reports a benchmark that exceeds its time limit as timed-out, with what it measured', async () => {
    let i = 0;
    const result = await suite.runBenchmark({
      name: 'stuck',
      component: 'audio_output',
      fn: () => (++i <= 3 ? Promise.resolve() : new Promise(() => {})),
      iterations: 10,
      warmupIterations: 0,
      timeoutMs: 150,
    });
    expect(result.state).toBe('timed-out');
    if (result.state !== 'timed-out') return;
    expect(result.iterations).toBe(3);
    expect(result.error).toBe('timed out after 150 ms with 3 of 10 iterations measured');
    const [stored] = suite.getBenchmarkHistory({ days: 1 });
    expect(stored.state).toBe('timed-out');
    expect(stored.samples.length).toBe(3);
    expect(stored.details).toMatchObject({ timeoutMs: 150 });
  });

  it.each([
    [{ component: 'speech' }, /unknown component "speech" for benchmark "b"; expected one of: audio_capture, vad, stt/],
    [{ iterations: 0 }, /iterations must be a whole number of at least 1, got 0/],
    [{ iterations: 2.5 }, /iterations must be a whole number of at least 1, got 2.5/],
    [{ warmupIterations: -1 }, /warmupIterations must be a whole number of at least 0/],
    [{ timeoutMs: 0 }, /timeoutMs must be a positive number, got 0/],
    [{ fn: 'x' }, /fn must be a function, got "x"/],
    [{ name: '' }, /benchmark name must be a non-empty string/],
    [{ metadata: [1] }, /metadata must be a plain object/],
  ])('rejects %j with a clear BenchmarkInputError and records nothing', async (bad, message) => {
    const options = { name: 'b', component: 'stt', fn: () => undefined, iterations: 3, ...bad };
    const run = suite.runBenchmark(options as never);
    await expect(run).rejects.toThrow(BenchmarkInputError);
    await expect(run).rejects.toThrow(message);
    expect(suite.getBenchmarkHistory({ days: 1 })).toEqual([]);
  });

  it('uses its default iterations and time limit', async () => {
    const custom = new BenchmarkSuite(dataDir, { defaultIterations: 7, defaultTimeoutMs: 80 });
    const result = await custom.runBenchmark({ name: 'd', component: 'stt', fn: () => undefined });
    expect(result.iterations).toBe(7);
    const stuck = await custom.runBenchmark({ name: 'e', component: 'stt', fn: () => new Promise(() => {}) });
    expect(stuck.state === 'timed-out' && stuck.timeoutMs).toBe(80);
    await custom.shutdown();
  });

  it('rejects bad suite options', () => {
    expect(() => new BenchmarkSuite(dataDir, { defaultIterations: 0 })).toThrow(
      'invalid BenchmarkSuite option defaultIterations: 0',
    );
    expect(() => new BenchmarkSuite(dataDir, { significance: 1 })).toThrow(/significance/);
  });

  it('filters history by name and component, and is empty before anything was recorded', async () => {
    expect(suite.getBenchmarkHistory({ days: 30 })).toEqual([]);
    expect(() => suite.getBenchmarkHistory({ days: 0 })).toThrow('days must be a positive number, got 0');
    await suite.runBenchmark({ name: 'a', component: 'stt', fn: () => undefined, iterations: 3 });
    await suite.runBenchmark({ name: 'b', component: 'tts', fn: () => undefined, iterations: 3 });
    expect(suite.getBenchmarkHistory({ days: 1, name: 'a' }).map((r) => r.name)).toEqual(['a']);
    expect(suite.getBenchmarkHistory({ days: 1, component: 'tts' }).map((r) => r.name)).toEqual(['b']);
  });

  it('describes trends per benchmark', async () => {
    for (const us of [500, 500, 800]) {
      await suite.runBenchmark({ name: 'chunk', component: 'audio_capture', fn: () => busyWaitUs(us), iterations: 20 });
    }
    await suite.runBenchmark({
      name: 'chunk',
      component: 'audio_capture',
      fn: () => Promise.reject(new Error('x')),
      iterations: 2,
    });
    const [trend] = suite.getBenchmarkTrends({ days: 1 });
    expect(trend.name).toBe('chunk');
    expect(trend.points).toHaveLength(3);
    expect(trend.failedRuns).toBe(1);
    expect(trend.changePercent).toBeGreaterThan(40);
    expect(trend.slopePercentPerRun).toBeGreaterThan(0);
    expect(trend.direction).toBe('slower');
  });
});
