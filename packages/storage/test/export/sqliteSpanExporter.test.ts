import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { ComponentType, INSTRUMENTATION_SCOPE, timeOperation } from '@transcriber/instrumentation';
import { SqliteSpanExporter, SqliteStorage } from '@transcriber/storage';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lastJsonLine, runChild } from '../../../../test/helpers/children';
import { startTracing, testResource, type TracingPipeline } from '../../../../test/helpers/sqliteTelemetry';
import { countRows, queryRows } from '../../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { busyWait } from '../../../../test/helpers/wait';

const CHILDREN = path.join(__dirname, '..', 'children');

afterAll(removeTempDirs);

interface SpanRow {
  id: number;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: number;
  component: string | null;
  operation: string | null;
  start_us: number;
  end_us: number;
  duration_ms: number;
  status_code: number;
  status_message: string | null;
  error_type: string | null;
  attributes: string | null;
  events: string | null;
  links: string | null;
  scope: string;
  resource_id: number;
}

const micros = (time: [number, number]) => time[0] * 1_000_000 + Math.round(time[1] / 1000);
const spanRows = (dataDir: string) =>
  queryRows<SpanRow>(dataDir, 'performance_metrics', 'SELECT * FROM spans ORDER BY id');

describe('SqliteSpanExporter', () => {
  let dataDir: string;
  let tracing: TracingPipeline;
  let seen: InMemorySpanExporter;

  beforeEach(() => {
    dataDir = path.join(makeTempDir(), 'data');
    seen = new InMemorySpanExporter();
    tracing = startTracing({ dataDir }, { alsoTo: new SimpleSpanProcessor(seen) });
  });
  afterEach(() => tracing.shutdown());

  const sdkSpan = (name: string): ReadableSpan => {
    const found = seen.getFinishedSpans().filter((s) => s.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('writes one row per operation with its columns, as the SDK recorded it', async () => {
    const transcript = timeOperation(ComponentType.STT, 'transcribe', (op) => {
      op.span.setAttribute('audio.seconds', 2.5);
      op.mark('first_partial', { 'partial.chars': 12 });
      busyWait(5);
      timeOperation(ComponentType.LLM, 'complete', () => busyWait(2));
      return 'hello';
    });
    expect(transcript).toBe('hello');
    await tracing.flush();

    const rows = spanRows(dataDir);
    expect(rows).toHaveLength(2);
    const stt = rows.find((r) => r.name === 'stt.transcribe')!;
    const llm = rows.find((r) => r.name === 'llm.complete')!;
    for (const [row, span] of [
      [stt, sdkSpan('stt.transcribe')],
      [llm, sdkSpan('llm.complete')],
    ] as const) {
      expect(row).toMatchObject({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
        kind: SpanKind.INTERNAL,
        start_us: micros(span.startTime),
        end_us: micros(span.endTime),
        status_code: SpanStatusCode.UNSET,
        status_message: null,
        error_type: null,
        links: null,
        scope: INSTRUMENTATION_SCOPE,
      });
      expect(row.duration_ms).toBeCloseTo(span.duration[0] * 1000 + span.duration[1] / 1e6, 9);
    }
    expect(stt).toMatchObject({ component: 'stt', operation: 'transcribe', parent_span_id: null });
    expect(llm).toMatchObject({
      component: 'llm',
      operation: 'complete',
      parent_span_id: stt.span_id,
      trace_id: stt.trace_id,
    });
    expect(stt.duration_ms).toBeGreaterThanOrEqual(5);
    expect(llm.duration_ms).toBeGreaterThanOrEqual(2);
    expect(llm.duration_ms).toBeLessThan(stt.duration_ms);
    // Component and operation have their own columns; the rest of the attributes are JSON.
    expect(JSON.parse(stt.attributes!)).toEqual({ 'audio.seconds': 2.5 });
    expect(llm.attributes).toBeNull();
    const [mark] = JSON.parse(stt.events!);
    expect(mark).toEqual({
      name: 'first_partial',
      time_us: micros(sdkSpan('stt.transcribe').events[0].time),
      attributes: { 'partial.chars': 12 },
    });
    expect(mark.time_us).toBeGreaterThanOrEqual(stt.start_us);
    expect(mark.time_us).toBeLessThanOrEqual(stt.end_us);
    expect(llm.events).toBeNull();
  });

  it('records failures with status, error type and the exception event, and rethrows unchanged', async () => {
    const error = new RangeError('no such voice');
    expect(() =>
      timeOperation(ComponentType.TTS, 'synthesize', () => {
        throw error;
      }),
    ).toThrow(error);
    await expect(
      timeOperation(ComponentType.LLM, 'complete', async () => {
        throw new TypeError('bad prompt');
      }),
    ).rejects.toThrow('bad prompt');
    await tracing.flush();

    const [tts, llm] = spanRows(dataDir);
    expect(tts).toMatchObject({
      name: 'tts.synthesize',
      status_code: SpanStatusCode.ERROR,
      status_message: 'RangeError',
      error_type: 'RangeError',
    });
    expect(JSON.parse(tts.attributes!)).toEqual({ 'error.type': 'RangeError' });
    expect(JSON.parse(tts.events!)).toEqual([
      { name: 'exception', time_us: expect.any(Number), attributes: { 'exception.type': 'RangeError' } },
    ]);
    expect(llm).toMatchObject({ status_code: SpanStatusCode.ERROR, error_type: 'TypeError' });
  });

  it('keeps spans that are not operations, with all their attributes and links', async () => {
    const tracer = trace.getTracer('app');
    const linked = tracer.startSpan('upstream');
    linked.end();
    const span = tracer.startSpan('http.request', {
      kind: SpanKind.CLIENT,
      attributes: { 'http.method': 'POST', 'http.status_code': 503, retries: [1, 2] },
      links: [{ context: linked.spanContext(), attributes: { reason: 'retry' } }],
    });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream unavailable' });
    span.end();
    await tracing.flush();

    const row = spanRows(dataDir).find((r) => r.name === 'http.request')!;
    expect(row).toMatchObject({
      kind: SpanKind.CLIENT,
      component: null,
      operation: null,
      status_code: SpanStatusCode.ERROR,
      status_message: 'upstream unavailable',
      error_type: null,
      scope: 'app',
    });
    expect(JSON.parse(row.attributes!)).toEqual({ 'http.method': 'POST', 'http.status_code': 503, retries: [1, 2] });
    expect(JSON.parse(row.links!)).toEqual([
      {
        trace_id: linked.spanContext().traceId,
        span_id: linked.spanContext().spanId,
        attributes: { reason: 'retry' },
      },
    ]);
  });

  it('stores each resource once and refers to it by id, across connections', async () => {
    for (let i = 0; i < 100; i++) timeOperation(ComponentType.VAD, 'detect', () => i);
    // A second process-like provider with its own resource writes into the same data dir.
    const other = new SqliteSpanExporter({ dataDir });
    const otherProvider = new BasicTracerProvider({
      resource: testResource({ 'service.name': 'other-agent', 'service.instance.id': 'b' }),
      spanProcessors: [new SimpleSpanProcessor(other)],
    });
    for (let i = 0; i < 50; i++) otherProvider.getTracer('t').startSpan('other.op').end();
    await tracing.flush();
    await other.forceFlush();

    const resources = queryRows<{ id: number; service_name: string; attributes: string }>(
      dataDir,
      'performance_metrics',
      'SELECT * FROM resources ORDER BY id',
    );
    expect(resources.map((r) => r.service_name)).toEqual(['voice-agent-test', 'other-agent']);
    expect(JSON.parse(resources[0].attributes)).toMatchObject({
      'service.name': 'voice-agent-test',
      'process.pid': process.pid,
    });
    const counts = queryRows(
      dataDir,
      'performance_metrics',
      'SELECT r.service_name AS service, count(*) AS n FROM spans s JOIN resources r ON r.id = s.resource_id GROUP BY 1 ORDER BY 1',
    );
    expect(counts).toEqual([
      { service: 'other-agent', n: 50 },
      { service: 'voice-agent-test', n: 100 },
    ]);

    // Everything closes; a later process with the same resource finds its row again.
    await otherProvider.shutdown();
    await tracing.shutdown();
    tracing = startTracing({ dataDir });
    timeOperation(ComponentType.VAD, 'detect', () => 0);
    await tracing.flush();
    expect(countRows(dataDir, 'performance_metrics', 'resources')).toBe(2);
    expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(151);
  });

  it('hands a batch over at once and writes it within a few event-loop turns; forceFlush waits for it', async () => {
    const collector = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(collector)] });
    for (let i = 0; i < 5000; i++) provider.getTracer('bulk').startSpan(`s${i}`).end();
    const spans = collector.getFinishedSpans();

    let result: ExportResult | undefined;
    tracing.exporter.export(spans, (r) => (result = r));
    // Reported at once, and nothing written synchronously: the writer takes it from here.
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(0);
    await tracing.exporter.forceFlush();
    expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(5000);
    // Rows keep the order spans were exported in.
    const names = queryRows<{ name: string }>(dataDir, 'performance_metrics', 'SELECT name FROM spans ORDER BY id');
    expect(names.map((r) => r.name)).toEqual(spans.map((s) => s.name));
  });

  it('fails exports after shutdown; shutdown is idempotent and leaves other exporters of the dir working', async () => {
    const second = new SqliteSpanExporter({ dataDir });
    await second.shutdown();
    await second.shutdown();
    const results: ExportResult[] = [];
    second.export([], (r) => results.push(r));
    expect(results[0].code).toBe(ExportResultCode.FAILED);

    timeOperation(ComponentType.AGENT, 'respond', () => 1);
    await tracing.flush();
    expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(1);
  });

  it('shares one writer per data dir within a process', () => {
    const storage = SqliteStorage.acquire(dataDir);
    const again = SqliteStorage.acquire(path.join(dataDir, '.', ''));
    expect(again).toBe(storage);
    expect(storage.performanceWriter()).toBe(again.performanceWriter());
    storage.release();
    again.release();
  });

  it('writes what is queued when the process exits without shutting down', async () => {
    const dir = path.join(makeTempDir(), 'data');
    const result = await runChild(path.join(CHILDREN, 'exitAfterExport.ts'), [dir, '3000']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(lastJsonLine(result)).toEqual({ pending: 3000 });
    expect(countRows(dir, 'performance_metrics', 'spans')).toBe(3000);
    expect(fs.existsSync(path.join(dir, 'performance_metrics.db'))).toBe(true);
  });

  it('lets an app that awaits forceFlush as its last act get past it (regression)', async () => {
    // A flush used to wait for a background checkpoint to finish whose timers do not keep the
    // process alive: the app ended silently inside `await forceFlush()`.
    for (let run = 0; run < 3; run++) {
      const dir = path.join(makeTempDir(), 'data');
      const result = await runChild(path.join(CHILDREN, 'flushAtEnd.ts'), [dir, '6000']);
      expect(result).toMatchObject({ code: 0, stdout: 'flushed\n', stderr: '' });
      expect(countRows(dir, 'performance_metrics', 'spans')).toBe(6000);
    }
  });

  it('writes every span of a BatchSpanProcessor (5,000 operations)', async () => {
    await tracing.shutdown();
    tracing = startTracing({ dataDir }, { batch: true });
    for (let i = 0; i < 5000; i++) {
      timeOperation(ComponentType.AUDIO_CAPTURE, 'read_frame', () => i);
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await tracing.flush();
    expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(5000);
  });
});
