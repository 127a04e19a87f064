import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { ATTR_COMPONENT, ComponentType } from '@transcriber/instrumentation';
import { openForQuery, summarizeComponents } from '@transcriber/queries';
import { durationMs, recordSpans, type SpanSpec } from '../../../test/helpers/recordSpans';
import { exactPercentile, seededRandom } from '../../../test/helpers/seededData';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const referencePercentile = (values: number[], q: number) =>
  exactPercentile(
    [...values].sort((a, b) => a - b),
    q,
  );

const micros = (span: ReadableSpan) => span.startTime[0] * 1_000_000 + Math.round(span.startTime[1] / 1000);

describe('summarizeComponents', () => {
  const BASE_MS = Date.UTC(2026, 0, 1, 12);
  const sinceUs = (BASE_MS + 1_000) * 1000;
  const untilUs = (BASE_MS + 1_000_000) * 1000;
  let dataDir: string;
  let spans: ReadableSpan[];

  beforeAll(async () => {
    dataDir = makeTempDir();
    const next = seededRandom(42);
    const specs: SpanSpec[] = [];
    const components = [ComponentType.STT, ComponentType.LLM, ComponentType.TTS];
    for (let i = 0; i < 1500; i++) {
      const component = components[i % 3];
      // Log-normal-ish latencies with a long tail, as real services have.
      const durationMs = Math.exp(next() * 5) * (component === ComponentType.LLM ? 10 : 1) + next();
      specs.push({
        component,
        operation: 'op',
        // Some before the window, some after it, most inside.
        startMs: BASE_MS + Math.floor(next() * 1_100_000) - 50_000,
        durationMs,
        errorType: next() < 0.07 ? 'TimeoutError' : undefined,
      });
    }
    specs.push({ name: 'plain span without a component', startMs: BASE_MS + 5000, durationMs: 99_999 });
    // Exactly on the edges: since is inclusive, until exclusive.
    specs.push({ component: 'vad', operation: 'edge', startMs: BASE_MS + 1_000, durationMs: 1 });
    specs.push({ component: 'vad', operation: 'edge', startMs: BASE_MS + 1_000_000, durationMs: 2 });
    spans = await recordSpans(dataDir, specs);
  });

  function reference(component: string) {
    const inWindow = spans.filter(
      (s) => s.attributes[ATTR_COMPONENT] === component && micros(s) >= sinceUs && micros(s) < untilUs,
    );
    const durations = inWindow.map(durationMs);
    const errors = inWindow.filter((s) => s.status.code === 2).length;
    return {
      component,
      count: inWindow.length,
      errors,
      errorRate: errors / inWindow.length,
      avgMs: durations.reduce((a, b) => a + b, 0) / durations.length,
      minMs: Math.min(...durations),
      maxMs: Math.max(...durations),
      p50Ms: referencePercentile(durations, 50),
      p95Ms: referencePercentile(durations, 95),
      p99Ms: referencePercentile(durations, 99),
    };
  }

  it('gives exact per-component statistics for the window, matching a plain JS computation', () => {
    const db = openForQuery(dataDir, 'performance_metrics');
    const summary = summarizeComponents(db, { sinceUs, untilUs });
    db.close();
    expect(summary.map((s) => s.component)).toEqual(['llm', 'stt', 'tts', 'vad']);
    for (const row of summary.filter((s) => s.component !== 'vad')) {
      const expected = reference(row.component);
      expect(row.count).toBe(expected.count);
      expect(row.count).toBeGreaterThan(400);
      expect(row.errors).toBe(expected.errors);
      expect(row.errors).toBeGreaterThan(0);
      expect(row.errorRate).toBeCloseTo(expected.errorRate, 12);
      expect(row.minMs).toBe(expected.minMs);
      expect(row.maxMs).toBe(expected.maxMs);
      expect(row.avgMs).toBeCloseTo(expected.avgMs, 9);
      expect(row.p50Ms).toBeCloseTo(expected.p50Ms, 9);
      expect(row.p95Ms).toBeCloseTo(expected.p95Ms, 9);
      expect(row.p99Ms).toBeCloseTo(expected.p99Ms, 9);
    }
    // The lower edge is in, the upper edge is out.
    expect(summary.find((s) => s.component === 'vad')).toMatchObject({ count: 1, minMs: 1, maxMs: 1, p99Ms: 1 });
  });

  it('filters by component (a bound parameter) and returns nothing for an empty window', () => {
    const db = openForQuery(dataDir, 'performance_metrics');
    expect(summarizeComponents(db, { sinceUs, untilUs, component: 'tts' })).toEqual([
      expect.objectContaining(closeTo(reference('tts'))),
    ]);
    expect(summarizeComponents(db, { sinceUs, untilUs, component: "tts' OR '1'='1" })).toEqual([]);
    expect(summarizeComponents(db, { sinceUs: untilUs + 1e9 })).toEqual([]);
    // Without `untilUs` the window runs to now.
    expect(summarizeComponents(db, { sinceUs: 0 }).reduce((n, s) => n + s.count, 0)).toBe(1502);
    db.close();
  });
});

function closeTo<T extends Record<string, unknown>>(expected: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(expected).map(([k, v]) => [
      k,
      typeof v === 'number' && !Number.isInteger(v) ? expect.closeTo(v, 9) : v,
    ]),
  );
}
