import { BenchmarkInputError, type CompletedBenchmark } from '@transcriber/benchmarks';
import { PerformanceIntegration, timeOperation } from '@transcriber/node';
import { benchmarkHistory, openForQuery } from '@transcriber/queries';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

function spin(microseconds: number): void {
  const until = process.hrtime.bigint() + BigInt(microseconds * 1000);
  while (process.hrtime.bigint() < until) {
    // a workload of known duration
  }
}

describe('PerformanceIntegration.runComponentBenchmark (with the SDK it started)', () => {
  const dataDir = makeTempDir('transcriber-integration-bench-');
  const perf = new PerformanceIntegration({
    dataDir,
    defaultBenchmarkIterations: 12,
    benchmarkTimeout: 0.5,
    enableMonitoring: false,
  });
  beforeAll(() => perf.initialize());
  afterAll(async () => {
    await perf.cleanup();
    removeTempDirs();
  });

  const stored = () => {
    const db = openForQuery(dataDir, 'benchmark_results');
    try {
      return benchmarkHistory(db, { sinceUs: 0 });
    } finally {
      db.close();
    }
  };

  it('runs with the configured iterations and stores the result through the SDK before resolving', async () => {
    const result = await perf.runComponentBenchmark('stt', () => spin(200));
    expect(result.state).toBe('completed');
    expect(result.name).toBe('stt');
    expect(result.iterations).toBe(12);
    const rows = stored();
    expect(rows.map((r) => [r.name, r.component, r.samples.length])).toEqual([['stt', 'stt', 12]]);
  });

  it('takes iterations and a name', async () => {
    const result = await perf.runComponentBenchmark('tts', async () => spin(100), 5, { name: 'short phrase' });
    expect([result.name, result.component, result.iterations]).toEqual(['short phrase', 'tts', 5]);
  });

  it('stops at the configured benchmarkTimeout', async () => {
    const result = await perf.runComponentBenchmark('llm', () => new Promise(() => {}), 3);
    expect(result.state).toBe('timed-out');
    expect(result.state === 'timed-out' && result.timeoutMs).toBe(500);
  });

  it('reports the share of each component of a pipeline run, from the spans the SDK recorded', async () => {
    const result = (await perf.runComponentBenchmark(
      'pipeline',
      () => {
        timeOperation('stt', 'transcribe', () => spin(1500));
        timeOperation('tts', 'synthesize', () => spin(500));
      },
      8,
      { timeoutMs: 60_000 },
    )) as CompletedBenchmark;
    expect(result.state).toBe('completed');
    expect(result.componentSharesUnavailable).toBeUndefined();
    const shares = Object.fromEntries(result.componentShares!.map((s) => [s.component, s]));
    expect(shares.stt.spans).toBe(8);
    expect(shares.tts.spans).toBe(8);
    // Wall-clock work: the OS can only stretch it, so lower bounds hold on any machine (which of
    // the two looks bigger does not: one preemption in tts can outweigh stt's extra millisecond).
    expect(shares.stt.avgSelfMsPerIteration).toBeGreaterThanOrEqual(1.5);
    expect(shares.tts.avgSelfMsPerIteration).toBeGreaterThanOrEqual(0.5);
    // Sequential children: the pipeline's own time and its children's make up the whole run.
    expect(Object.keys(shares).sort()).toEqual(['pipeline', 'stt', 'tts']);
    const total = result.componentShares!.reduce((sum, s) => sum + s.sharePercent, 0);
    expect(total).toBeCloseTo(100, 6);
    expect(shares.stt.sharePercent / shares.tts.sharePercent).toBeCloseTo(shares.stt.selfMs / shares.tts.selfMs, 9);
  });

  it.each([
    ['speech', 10, /unknown component "speech"/],
    ['stt', 0, /iterations must be a whole number of at least 1, got 0/],
  ])('rejects component %j with %j iterations clearly', async (component, iterations, message) => {
    const run = perf.runComponentBenchmark(component, () => undefined, iterations);
    await expect(run).rejects.toThrow(BenchmarkInputError);
    await expect(run).rejects.toThrow(message);
  });
});
