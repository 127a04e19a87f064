import { markLatencies, openForQuery } from '@transcriber/queries';
import { recordSpans } from '../../../test/helpers/recordSpans';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('markLatencies', () => {
  const T = Date.UTC(2026, 2, 4, 9);
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeTempDir();
    // LLM answers whose first token came 100, 200, ... 500 ms after the start; the whole answers are longer.
    const llm = [100, 200, 300, 400, 500].map((at, i) => ({
      component: 'llm',
      operation: 'generate',
      startMs: T + i * 1000,
      durationMs: 900,
      events: [
        { name: 'first_token', atMs: T + i * 1000 + at },
        { name: 'first_token', atMs: T + i * 1000 + at + 50 }, // a second mark: the first one counts
      ],
    }));
    await recordSpans(dataDir, [
      ...llm,
      { component: 'llm', operation: 'generate', startMs: T + 6000, durationMs: 50 }, // no mark: not counted
      {
        component: 'tts',
        operation: 'synthesize',
        startMs: T + 7000,
        durationMs: 400,
        events: [{ name: 'first_audio_byte', atMs: T + 7120 }],
      },
      {
        component: 'llm',
        operation: 'generate',
        startMs: T - 60_000, // before the window
        durationMs: 10,
        events: [{ name: 'first_token', atMs: T - 60_000 + 5 }],
      },
    ]);
  });

  const query = (filter: Partial<Parameters<typeof markLatencies>[1]> & { mark: string }) => {
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      return markLatencies(db, { sinceUs: T * 1000, ...filter });
    } finally {
      db.close();
    }
  };

  it('measures from each operation’s start to its first mark of that name, per component', () => {
    expect(query({ mark: 'first_token' })).toEqual([
      { component: 'llm', mark: 'first_token', count: 5, p50Ms: 300, p95Ms: 480, p99Ms: 496 },
    ]);
    expect(query({ mark: 'first_audio_byte' })).toEqual([
      { component: 'tts', mark: 'first_audio_byte', count: 1, p50Ms: 120, p95Ms: 120, p99Ms: 120 },
    ]);
  });

  it('filters by component and window, and finds nothing for an unknown mark', () => {
    expect(query({ mark: 'first_token', component: 'tts' })).toEqual([]);
    expect(query({ mark: 'first_token', sinceUs: (T - 120_000) * 1000 })[0].count).toBe(6);
    expect(query({ mark: 'first_token', untilUs: (T + 2500) * 1000 })[0].count).toBe(3);
    expect(query({ mark: "x' OR 1=1 --" })).toEqual([]);
  });
});
