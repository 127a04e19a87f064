import { trace } from '@opentelemetry/api';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { timeOperation } from '@transcriber/instrumentation';
import { BenchmarkSuite, type CompletedBenchmark } from '@transcriber/benchmarks';
import { SqliteSpanExporter } from '@transcriber/storage';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { busyWaitUs } from '../helpers/workload';

afterAll(removeTempDirs);

// One voice turn: STT 2 ms, then the agent (1 ms of its own) calling the LLM (6 ms), then TTS 1 ms.
async function voiceTurn(): Promise<void> {
  timeOperation('stt', 'transcribe', () => busyWaitUs(2000));
  await timeOperation('agent', 'respond', async () => {
    busyWaitUs(1000);
    await timeOperation('llm', 'generate', async () => busyWaitUs(6000));
  });
  timeOperation('tts', 'synthesize', () => busyWaitUs(1000));
}

describe('pipeline benchmarks', () => {
  it('say why there is no breakdown when no SDK records spans', async () => {
    const suite = new BenchmarkSuite(makeTempDir());
    const result = (await suite.runBenchmark({
      name: 'turn',
      component: 'pipeline',
      fn: voiceTurn,
      iterations: 3,
    })) as CompletedBenchmark;
    await suite.shutdown();
    expect(result.state).toBe('completed');
    expect(result.componentShares).toBeUndefined();
    expect(result.componentSharesUnavailable).toMatch(/^no spans were recorded: no OpenTelemetry SDK runs/);
  });

  describe('with an SDK writing spans to SQLite', () => {
    const dataDir = makeTempDir();
    const provider = new NodeTracerProvider({
      spanProcessors: [new BatchSpanProcessor(new SqliteSpanExporter({ dataDir }))],
    });
    beforeAll(() => provider.register());
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
    });

    it("report each component's share of the time from the run's spans", async () => {
      const suite = new BenchmarkSuite(dataDir);
      const result = (await suite.runBenchmark({
        name: 'turn',
        component: 'pipeline',
        fn: voiceTurn,
        iterations: 12,
        warmupIterations: 2,
      })) as CompletedBenchmark;
      await suite.shutdown();
      expect(result.state).toBe('completed');
      expect(result.componentSharesUnavailable).toBeUndefined();
      const shares = Object.fromEntries(result.componentShares!.map((s) => [s.component, s]));
      expect(Object.keys(shares).sort()).toEqual(['agent', 'llm', 'pipeline', 'stt', 'tts']);
      // Only the measured iterations, one span per component each.
      for (const component of ['stt', 'agent', 'llm', 'tts', 'pipeline']) expect(shares[component].spans).toBe(12);
      // Self time: the agent's own 1 ms, not the LLM call nested in it.
      expect(shares.llm.avgSelfMsPerIteration).toBeGreaterThanOrEqual(6);
      expect(shares.stt.avgSelfMsPerIteration).toBeGreaterThanOrEqual(2);
      expect(shares.agent.avgSelfMsPerIteration).toBeGreaterThanOrEqual(1);
      expect(shares.agent.avgSelfMsPerIteration).toBeLessThan(shares.llm.avgSelfMsPerIteration);
      expect(shares.agent.totalMs).toBeGreaterThan(shares.llm.totalMs);
      expect(shares.tts.avgSelfMsPerIteration).toBeGreaterThanOrEqual(1);
      // Ordered by self time; sequential children: the shares add up to the whole pipeline.
      const selfTimes = result.componentShares!.map((s) => s.selfMs);
      expect(selfTimes).toEqual([...selfTimes].sort((a, b) => b - a));
      const total = result.componentShares!.reduce((sum, s) => sum + s.sharePercent, 0);
      expect(total).toBeGreaterThan(99);
      expect(total).toBeLessThanOrEqual(100.0001);
      expect(shares.llm.sharePercent).toBeGreaterThan(shares.stt.sharePercent);
    });
  });
});
