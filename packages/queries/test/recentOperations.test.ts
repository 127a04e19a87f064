import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { openForQuery, recentOperations } from '@transcriber/queries';
import { durationMs, recordSpans } from '../../../test/helpers/recordSpans';
import { countRows } from '../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('recentOperations', () => {
  const T = Date.UTC(2026, 2, 3, 9);
  let dataDir: string;
  let spans: ReadableSpan[];

  beforeAll(async () => {
    dataDir = makeTempDir();
    spans = await recordSpans(dataDir, [
      { component: 'stt', operation: 'transcribe', startMs: T, durationMs: 120 },
      { component: 'llm', operation: 'complete', startMs: T + 10, durationMs: 900, errorType: 'RateLimitError' },
      { component: 'tts', operation: 'synthesize', startMs: T + 20, durationMs: 300 },
      { component: 'stt', operation: 'transcribe', startMs: T + 30, durationMs: 80, errorType: 'TimeoutError' },
      { component: 'o\'brien"; DROP TABLE spans; --', operation: 'odd', startMs: T + 40, durationMs: 5 },
      { name: 'no component', startMs: T + 50, durationMs: 10_000 },
    ]);
    await recordSpans(
      dataDir,
      [{ component: 'vad', operation: 'detect', startMs: T + 60, durationMs: 1 }],
      'other-service',
    );
  });

  const query = (filter: Partial<Parameters<typeof recentOperations>[1]>) => {
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      return recentOperations(db, { sinceUs: T * 1000, ...filter });
    } finally {
      db.close();
    }
  };
  const names = (rows: { component: string | null }[]) => rows.map((r) => r.component);

  it('lists operations newest first with their details (spans without a component are not operations)', () => {
    const rows = query({});
    expect(names(rows)).toEqual(['vad', 'o\'brien"; DROP TABLE spans; --', 'stt', 'tts', 'llm', 'stt']);
    expect(rows[5]).toEqual({
      traceId: spans[0].spanContext().traceId,
      spanId: spans[0].spanContext().spanId,
      parentSpanId: null,
      name: 'stt.transcribe',
      component: 'stt',
      operation: 'transcribe',
      startUs: T * 1000,
      durationMs: durationMs(spans[0]),
      error: false,
      errorType: null,
      serviceName: 'voice-agent-test',
    });
    expect(rows[4]).toMatchObject({ error: true, errorType: 'RateLimitError' });
    expect(rows[0].serviceName).toBe('other-service');
  });

  it('filters by component, minimum duration, errors, window, and orders by slowest with a limit', () => {
    expect(names(query({ component: 'stt' }))).toEqual(['stt', 'stt']);
    expect(query({ minDurationMs: 300 }).map((r) => r.durationMs)).toEqual([300, 900]);
    expect(query({ errorsOnly: true }).map((r) => r.errorType)).toEqual(['TimeoutError', 'RateLimitError']);
    expect(query({ order: 'slowest', limit: 3 }).map((r) => r.durationMs)).toEqual([900, 300, 120]);
    expect(names(query({ sinceUs: (T + 10) * 1000, untilUs: (T + 30) * 1000 }))).toEqual(['tts', 'llm']);
    expect(query({ component: 'stt', errorsOnly: true, minDurationMs: 50 })).toHaveLength(1);
    expect(query({})).toHaveLength(6);
    expect(query({ limit: 2 })).toHaveLength(2);
  });

  it('treats filter values as data: quotes and SQL in a component name neither break nor inject', () => {
    const odd = 'o\'brien"; DROP TABLE spans; --';
    expect(query({ component: odd })).toEqual([expect.objectContaining({ component: odd, operation: 'odd' })]);
    expect(query({ component: "stt' OR '1'='1" })).toEqual([]);
    expect(query({ component: "x'); DELETE FROM spans; --" })).toEqual([]);
    expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(7);
  });
});
