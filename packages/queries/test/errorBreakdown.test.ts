import { errorBreakdown, openForQuery } from '@transcriber/queries';
import { recordSpans } from '../../../test/helpers/recordSpans';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('errorBreakdown', () => {
  const T = Date.UTC(2026, 2, 4, 10);
  let dataDir: string;

  beforeAll(async () => {
    dataDir = makeTempDir();
    const op = (component: string, i: number, errorType?: string) => ({
      component,
      operation: 'op',
      startMs: T + i,
      durationMs: 5,
      ...(errorType === undefined ? {} : { errorType }),
    });
    await recordSpans(dataDir, [
      op('tool', 0, 'TimeoutError'),
      op('tool', 1, 'TimeoutError'),
      op('tool', 2, 'HttpError'),
      op('tool', 3),
      op('llm', 4, 'RateLimitError'),
      op('llm', 5),
      { ...op('llm', -10_000, 'RateLimitError') }, // before the window
    ]);
  });

  const query = (filter: Partial<Parameters<typeof errorBreakdown>[1]> = {}) => {
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      return errorBreakdown(db, { sinceUs: T * 1000, ...filter });
    } finally {
      db.close();
    }
  };

  it('counts failures per component and error type, most frequent first', () => {
    expect(query()).toEqual([
      { component: 'tool', errorType: 'TimeoutError', count: 2 },
      { component: 'llm', errorType: 'RateLimitError', count: 1 },
      { component: 'tool', errorType: 'HttpError', count: 1 },
    ]);
  });

  it('filters by component and window', () => {
    expect(query({ component: 'llm' })).toEqual([{ component: 'llm', errorType: 'RateLimitError', count: 1 }]);
    expect(query({ component: 'llm', sinceUs: (T - 20_000) * 1000 })[0].count).toBe(2);
    expect(query({ component: 'vad' })).toEqual([]);
  });
});
