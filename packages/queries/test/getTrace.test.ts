import { getTrace, openForQuery } from '@transcriber/queries';
import { recordSpans } from '../../../test/helpers/recordSpans';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('getTrace', () => {
  it('returns every span of one trace in start order, with attributes and events', async () => {
    const dataDir = makeTempDir();
    const T = Date.UTC(2026, 4, 5);
    const spans = await recordSpans(dataDir, [
      { component: 'pipeline', operation: 'turn', startMs: T, durationMs: 700 },
      {
        component: 'llm',
        operation: 'complete',
        startMs: T + 200,
        durationMs: 400,
        parent: 0,
        attributes: { 'gen_ai.request.model': 'gpt-test', 'gen_ai.usage.output_tokens': 42 },
        events: [{ name: 'first_token', atMs: T + 350, attributes: { tokens: 1 } }],
      },
      {
        component: 'stt',
        operation: 'transcribe',
        startMs: T + 10,
        durationMs: 150,
        parent: 0,
        errorType: 'AbortError',
      },
      { component: 'stt', operation: 'transcribe', startMs: T + 5, durationMs: 1 }, // another trace
    ]);
    const traceId = spans[0].spanContext().traceId;
    expect(spans[1].spanContext().traceId).toBe(traceId);
    expect(spans[3].spanContext().traceId).not.toBe(traceId);

    const db = openForQuery(dataDir, 'performance_metrics');
    const trace = getTrace(db, traceId.toUpperCase());
    expect(trace.map((s) => s.name)).toEqual(['pipeline.turn', 'stt.transcribe', 'llm.complete']);
    const [root, stt, llm] = trace;
    expect(root).toMatchObject({ parentSpanId: null, startUs: T * 1000, endUs: (T + 700) * 1000, durationMs: 700 });
    expect(stt).toMatchObject({
      parentSpanId: root.spanId,
      error: true,
      errorType: 'AbortError',
      statusMessage: 'AbortError',
      attributes: { 'error.type': 'AbortError' },
      events: [],
    });
    expect(llm).toMatchObject({
      parentSpanId: root.spanId,
      error: false,
      statusMessage: null,
      serviceName: 'voice-agent-test',
      attributes: { 'gen_ai.request.model': 'gpt-test', 'gen_ai.usage.output_tokens': 42 },
      events: [{ name: 'first_token', time_us: (T + 350) * 1000, attributes: { tokens: 1 } }],
    });
    expect(getTrace(db, 'f'.repeat(32))).toEqual([]);
    db.close();
  });
});
