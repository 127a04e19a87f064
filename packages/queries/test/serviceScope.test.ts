import { metrics } from '@opentelemetry/api';
import {
  BENCHMARK_SERVICE_NAME,
  METRIC_PROCESS_MEMORY_RSS,
  METRIC_TURN_VOICE_TO_VOICE,
} from '@transcriber/instrumentation';
import {
  errorBreakdown,
  listServices,
  markLatencies,
  memoryHistory,
  newestStart,
  openForQuery,
  recentOperations,
  recentTurns,
  resourceHistory,
  resourceSummary,
  summarizeComponents,
  summarizeTurns,
} from '@transcriber/queries';
import { startMetrics, testResource } from '../../../test/helpers/sqliteTelemetry';
import { recordSpans, type SpanSpec } from '../../../test/helpers/recordSpans';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';
import { sleep } from '../../../test/helpers/wait';

afterAll(removeTempDirs);

const MINUTE_MS = 60_000;
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0); // ms

/** One turn (pipeline/turn with its voice-to-voice) and an STT operation inside it, per second. */
function turns(count: number, v2vMs: number, sttMs: number, startMs: number, failEvery = 0): SpanSpec[] {
  const specs: SpanSpec[] = [];
  for (let i = 0; i < count; i++) {
    const at = startMs + i * 1000;
    specs.push({
      component: 'pipeline',
      operation: 'turn',
      startMs: at,
      durationMs: v2vMs + 50,
      attributes: { [METRIC_TURN_VOICE_TO_VOICE]: v2vMs / 1000 },
    });
    specs.push({
      component: 'stt',
      operation: 'transcribe',
      startMs: at + 5,
      durationMs: sttMs,
      parent: specs.length - 1,
      errorType: failEvery > 0 && i % failEvery === 0 ? 'TimeoutError' : undefined,
      events: [{ name: 'final_transcript', atMs: at + 5 + sttMs / 2 }],
    });
  }
  return specs;
}

describe('service filters: one service, or every service but the benchmark runs', () => {
  const dataDir = makeTempDir();
  // Over two minutes: the agent's 90 turns (900 ms, STT 300 ms, every 10th STT failing), a
  // benchmark run's 60 synthetic ones (100 ms, STT 20 ms) in the same minutes, the newest of them
  // half a second after the agent's newest, and another agent's 10.
  const window = { sinceUs: (T0 - MINUTE_MS) * 1000, untilUs: (T0 + 5 * MINUTE_MS) * 1000 };

  beforeAll(async () => {
    await recordSpans(dataDir, turns(90, 900, 300, T0, 10), 'voice-agent');
    await recordSpans(dataDir, turns(60, 100, 20, T0 + 30_500), BENCHMARK_SERVICE_NAME);
    await recordSpans(dataDir, turns(10, 600, 200, T0 + 250), 'other-agent');
    // Resource snapshots of an agent process and of the benchmark's process.
    for (const [service, pid] of [
      ['voice-agent', 1001],
      [BENCHMARK_SERVICE_NAME, 1002],
    ] as const) {
      const meters = startMetrics(
        { dataDir },
        { resource: testResource({ 'service.name': service, 'process.pid': pid }) },
      );
      metrics
        .getMeter('monitor')
        .createObservableGauge(METRIC_PROCESS_MEMORY_RSS)
        .addCallback((r) => r.observe(pid * 1_000_000));
      for (let i = 0; i < 3; i++) {
        await meters.flush();
        await sleep(2);
      }
      await meters.shutdown();
    }
  });

  const read = <T>(fn: (db: ReturnType<typeof openForQuery>) => T): T => {
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  const count = (summaries: { component: string; count: number }[], component: string) =>
    summaries.find((s) => s.component === component)?.count ?? 0;

  it('lists the services, the benchmark one marked', () => {
    expect(read(listServices)).toEqual([
      { service: 'other-agent', processes: 1, benchmark: false },
      { service: BENCHMARK_SERVICE_NAME, processes: 2, benchmark: true },
      { service: 'voice-agent', processes: 2, benchmark: false },
    ]);
  });

  it('summarizes components without the benchmark runs by default, exactly and from the rollup alike', () => {
    for (const exactLimit of [50_000, 0]) {
      const all = read((db) => summarizeComponents(db, { ...window, exactLimit }));
      expect(all[0].percentiles).toBe(exactLimit === 0 ? 'buckets' : 'exact');
      expect(count(all, 'stt')).toBe(100);
      expect(count(all, 'pipeline')).toBe(100);
      const agent = read((db) => summarizeComponents(db, { ...window, exactLimit, service: 'voice-agent' }));
      const stt = agent.find((s) => s.component === 'stt')!;
      expect(stt).toMatchObject({ count: 90, errors: 9, minMs: 300, maxMs: 300 });
      expect(stt.p50Ms).toBeCloseTo(300, 6);
      const bench = read((db) =>
        summarizeComponents(db, { ...window, exactLimit, service: BENCHMARK_SERVICE_NAME, component: 'stt' }),
      );
      expect(bench).toEqual([expect.objectContaining({ component: 'stt', count: 60, errors: 0, maxMs: 20 })]);
      expect(read((db) => summarizeComponents(db, { ...window, exactLimit, service: 'nobody' }))).toEqual([]);
    }
  });

  it('lists operations of the asked service only: newest, slowest and failed', () => {
    const newest = read((db) => recentOperations(db, { ...window, limit: 500 }));
    expect(newest).toHaveLength(200);
    expect(newest.every((o) => o.serviceName !== BENCHMARK_SERVICE_NAME)).toBe(true);
    const slowestBench = read((db) =>
      recentOperations(db, { ...window, order: 'slowest', service: BENCHMARK_SERVICE_NAME, limit: 5 }),
    );
    expect(slowestBench.map((o) => [o.serviceName, o.durationMs])).toEqual(
      Array.from({ length: 5 }, () => [BENCHMARK_SERVICE_NAME, 150]),
    );
    const slowest = read((db) => recentOperations(db, { ...window, order: 'slowest', limit: 3 }));
    expect(slowest.map((o) => o.durationMs)).toEqual([950, 950, 950]);
    const failed = read((db) => recentOperations(db, { ...window, errorsOnly: true, limit: 100 }));
    expect(failed).toHaveLength(9);
    expect(read((db) => recentOperations(db, { ...window, errorsOnly: true, service: 'other-agent' }))).toEqual([]);
  });

  it('reads the turns of the asked services', () => {
    expect(read((db) => recentTurns(db, { ...window, limit: 1000 }))).toHaveLength(100);
    const bench = read((db) => recentTurns(db, { ...window, limit: 1000, service: BENCHMARK_SERVICE_NAME }));
    expect(bench).toHaveLength(60);
    expect(new Set(bench.map((t) => t.voiceToVoiceMs))).toEqual(new Set([100]));
    const summary = read((db) => summarizeTurns(db, { ...window, service: 'voice-agent' }));
    expect(summary.turns).toBe(90);
    expect(summary.voiceToVoiceMs?.p50).toBeCloseTo(900, 6);
    // The 10 newest of the agents' turns (80–89 s), not of the benchmark's interleaved with them.
    const since = read((db) => newestStart(db, { component: 'pipeline', sinceUs: window.sinceUs, count: 10 }));
    expect(since).toBe((T0 + 80_000) * 1000);
    const withBench = read((db) =>
      newestStart(db, { component: 'pipeline', sinceUs: window.sinceUs, count: 10, service: BENCHMARK_SERVICE_NAME }),
    );
    expect(withBench).toBe((T0 + 80_500) * 1000);
  });

  it('applies to the optimizer-side queries: errors and mark latencies', () => {
    expect(read((db) => errorBreakdown(db, { ...window }))).toEqual([
      { component: 'stt', errorType: 'TimeoutError', count: 9 },
    ]);
    const marks = read((db) =>
      markLatencies(db, { ...window, mark: 'final_transcript', service: BENCHMARK_SERVICE_NAME }),
    );
    expect(marks).toEqual([expect.objectContaining({ component: 'stt', count: 60, p50Ms: 10 })]);
  });

  it('leaves the benchmark process out of resources unless asked', () => {
    const everything = { sinceUs: 0 };
    expect(read((db) => resourceSummary(db, everything)).map((p) => p.pid)).toEqual([1001]);
    expect(
      read((db) => resourceHistory(db, { ...everything, service: BENCHMARK_SERVICE_NAME })).map((s) => s.pid),
    ).toEqual([1002, 1002, 1002, 1002]);
    expect(read((db) => memoryHistory(db, everything)).map((p) => [p.pid, p.serviceName])).toEqual([
      [1001, 'voice-agent'],
    ]);
  });
});
