import { BENCHMARK_ATTR, EVENT_ATTR, EVENT_BENCHMARK_RESULT } from '@transcriber/instrumentation';
import { benchmarkHistory, openForQuery } from '@transcriber/queries';
import { createEventEmitter } from '@transcriber/storage/events';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

function samplesBytes(values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return bytes;
}

describe('benchmarkHistory', () => {
  const dataDir = makeTempDir();

  beforeAll(async () => {
    // Written the way the benchmarks package writes them: events through the emitter, standalone.
    const emitter = createEventEmitter({ dataDir });
    const run = (name: string, component: string, state: string, env: string, samples: number[], median?: number) =>
      emitter.emit(EVENT_BENCHMARK_RESULT, {
        [BENCHMARK_ATTR.NAME]: name,
        [EVENT_ATTR.COMPONENT]: component,
        [BENCHMARK_ATTR.STATE]: state,
        [BENCHMARK_ATTR.ITERATIONS]: samples.length,
        [BENCHMARK_ATTR.SAMPLES]: samplesBytes(samples),
        [BENCHMARK_ATTR.ENVIRONMENT_KEY]: env,
        [BENCHMARK_ATTR.ENVIRONMENT]: JSON.stringify({ nodeVersion: '20.20.2', gitCommit: 'abc' }),
        [BENCHMARK_ATTR.METADATA]: JSON.stringify({ model: 'tiny' }),
        [BENCHMARK_ATTR.FAILURES]: JSON.stringify([{ errorType: 'TypeError', count: 2 }]),
        [EVENT_ATTR.DETAILS]: JSON.stringify({ warmupIterations: 3 }),
        ...(median === undefined ? {} : { [BENCHMARK_ATTR.MEDIAN_MS]: median }),
      });
    run('decode', 'stt', 'completed', 'env-a', [1.5, 0.1 + 0.2, 1e-9], 0.3);
    run('decode', 'stt', 'errored', 'env-a', []);
    run('decode', 'stt', 'completed', 'env-b', [9], 9);
    run('speak', 'tts', 'completed', 'env-a', [2, 3], 2.5);
    await emitter.flush();
    await emitter.shutdown();
  });

  function query(filter: Partial<Parameters<typeof benchmarkHistory>[1]>) {
    const db = openForQuery(dataDir, 'benchmark_results');
    try {
      return benchmarkHistory(db, { sinceUs: 0, ...filter });
    } finally {
      db.close();
    }
  }

  it('returns every run oldest first, with samples decoded exactly and JSON columns parsed', () => {
    const all = query({});
    expect(all.map((r) => [r.name, r.state, r.environmentKey])).toEqual([
      ['decode', 'completed', 'env-a'],
      ['decode', 'errored', 'env-a'],
      ['decode', 'completed', 'env-b'],
      ['speak', 'completed', 'env-a'],
    ]);
    const first = all[0];
    expect(first.samples).toBeInstanceOf(Float64Array);
    expect(Array.from(first.samples)).toEqual([1.5, 0.1 + 0.2, 1e-9]);
    expect(first.medianMs).toBe(0.3);
    expect(first.avgMs).toBeNull();
    expect(first.environment).toEqual({ nodeVersion: '20.20.2', gitCommit: 'abc' });
    expect(first.metadata).toEqual({ model: 'tiny' });
    expect(first.failures).toEqual([{ errorType: 'TypeError', count: 2 }]);
    expect(first.details).toEqual({ warmupIterations: 3 });
    expect(all[1].samples.length).toBe(0);
  });

  it('filters by name, component, environment and state', () => {
    expect(query({ name: 'speak' }).map((r) => r.component)).toEqual(['tts']);
    expect(query({ component: 'stt', environmentKey: 'env-a', state: 'completed' })).toHaveLength(1);
    expect(query({ state: 'errored' }).map((r) => r.name)).toEqual(['decode']);
  });

  it('returns the newest first with a limit', () => {
    expect(query({ order: 'newest', limit: 2 }).map((r) => r.name)).toEqual(['speak', 'decode']);
  });

  it('respects the time window', () => {
    expect(query({ sinceUs: Date.now() * 1000 + 1_000_000 })).toEqual([]);
    expect(query({ untilUs: 1 })).toEqual([]);
  });

  it('treats names as values, not SQL', () => {
    expect(query({ name: "decode' OR '1'='1" })).toEqual([]);
  });
});
