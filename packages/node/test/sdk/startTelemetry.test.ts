import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_CONFIG, startTelemetry } from '@transcriber/node';
import { openForQuery } from '@transcriber/queries';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterEach(() => {
  trace.disable();
  metrics.disable();
  logs.disable();
  context.disable();
  propagation.disable();
});
afterAll(removeTempDirs);

/** Root spans a few milliseconds apart, so their trace ids carry different times. */
async function makeRootSpans(count: number): Promise<void> {
  const tracer = trace.getTracer('telemetry-test');
  for (let i = 0; i < count; i++) {
    tracer.startSpan(`root ${i}`).end();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const timeOf = (traceId: string) => parseInt(traceId.slice(0, 12), 16);

describe('startTelemetry trace ids', () => {
  it('gives the tracer provider it creates time-ordered trace ids, as stored in SQLite', async () => {
    const dataDir = makeTempDir();
    const before = Date.now();
    const telemetry = startTelemetry({ ...DEFAULT_CONFIG, dataDir }, { sqlite: { metrics: false, logs: false } });
    await makeRootSpans(10);
    const after = Date.now();
    await telemetry.shutdown();

    const db = openForQuery(dataDir, 'performance_metrics');
    const traceIds = db.prepare('SELECT trace_id FROM spans ORDER BY start_us, id').pluck().all() as string[];
    db.close();
    expect(traceIds).toHaveLength(10);
    expect([...traceIds].sort()).toEqual(traceIds);
    for (const id of traceIds) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(timeOf(id)).toBeGreaterThanOrEqual(before);
      expect(timeOf(id)).toBeLessThanOrEqual(after);
    }
  });

  it("leaves the ids of a tracer provider the app registered (joined, not replaced) to the app's generator", async () => {
    const seen = new InMemorySpanExporter();
    const appProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(seen)] });
    trace.setGlobalTracerProvider(appProvider);
    const before = Date.now();
    const telemetry = startTelemetry({ ...DEFAULT_CONFIG, dataDir: makeTempDir() }, { sqlite: false });
    await makeRootSpans(10);
    const after = Date.now();
    await telemetry.shutdown();
    // Read before the app's provider shuts down: shutting down empties the in-memory exporter.
    const traceIds = seen.getFinishedSpans().map((s) => s.spanContext().traceId);
    await appProvider.shutdown();
    expect(telemetry.joined.traces).toBe(true);
    expect(traceIds).toHaveLength(10);
    // Random ids: the chance that one of them starts with a time of this test is about 2^-40.
    expect(traceIds.filter((id) => timeOf(id) >= before && timeOf(id) <= after)).toEqual([]);
  });
});

describe('startTelemetry attribute value length limits', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  async function storedLengths(): Promise<number[]> {
    const dataDir = makeTempDir();
    const telemetry = startTelemetry({ ...DEFAULT_CONFIG, dataDir }, { sqlite: { metrics: false, logs: false } });
    trace
      .getTracer('limits-test')
      .startSpan('llm', { attributes: { prompt: 'p'.repeat(10_000), short: 'ok' } })
      .end();
    await telemetry.shutdown();
    const db = openForQuery(dataDir, 'performance_metrics');
    const row = db.prepare('SELECT attributes FROM spans').pluck().get() as string;
    db.close();
    const attributes = JSON.parse(row) as Record<string, string>;
    return [attributes.prompt.length, attributes.short.length];
  }

  it('cuts span attribute values to 4,096 characters by default (the SDK keeps them whole)', async () => {
    delete process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT;
    delete process.env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT;
    expect(await storedLengths()).toEqual([4096, 2]);
  });

  it('follows OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, and OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT before it', async () => {
    process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT = '100';
    expect(await storedLengths()).toEqual([100, 2]);
    process.env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT = '20';
    expect(await storedLengths()).toEqual([20, 2]);
  });
});
