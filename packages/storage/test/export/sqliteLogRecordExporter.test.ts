import { context, trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  BENCHMARK_ATTR,
  EVENT_ATTR,
  EVENT_BENCHMARK_RESULT,
  EVENT_OPTIMIZATION_ACTION,
  EVENT_OPTIMIZATION_RECOMMENDATION,
  EVENT_PROFILE_RESULT,
  OPTIMIZATION_ATTR,
  PROFILE_ATTR,
} from '@transcriber/instrumentation';
import { EVENT_DATABASES } from '@transcriber/storage';
import { EVENT_DATABASE_SCHEMAS } from '@transcriber/storage/databases';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  startLogs,
  startTracing,
  type LogsPipeline,
  type TracingPipeline,
} from '../../../../test/helpers/sqliteTelemetry';
import { queryRows } from '../../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('SqliteLogRecordExporter', () => {
  let dataDir: string;
  let events: LogsPipeline;

  beforeEach(() => {
    dataDir = path.join(makeTempDir(), 'data');
    events = startLogs({ dataDir });
  });
  afterEach(() => events.shutdown());

  const emit = (eventName: string | undefined, attributes: Record<string, unknown>, body?: unknown) =>
    logs.getLogger('@transcriber/test').emit({ eventName, attributes: attributes as never, body: body as never });

  it('routes each event to its documented database', () => {
    expect(EVENT_DATABASES).toEqual({
      [EVENT_PROFILE_RESULT]: 'profile_results',
      [EVENT_BENCHMARK_RESULT]: 'benchmark_results',
      [EVENT_OPTIMIZATION_ACTION]: 'optimization_logs',
      [EVENT_OPTIMIZATION_RECOMMENDATION]: 'optimization_logs',
    });
  });

  it('routes every event kind to its database and table (one definition shared with the emitters)', () => {
    const routed = Object.values(EVENT_DATABASE_SCHEMAS).flatMap((schema) => schema.tables.map((t) => t.eventName));
    expect(routed.sort()).toEqual(Object.keys(EVENT_DATABASES).sort());
    for (const [database, schema] of Object.entries(EVENT_DATABASE_SCHEMAS)) {
      for (const table of schema.tables) expect(EVENT_DATABASES[table.eventName]).toBe(database);
    }
  });

  it('writes a profile result with typed columns, trace context, resource and the other attributes as JSON', async () => {
    const tracing: TracingPipeline = startTracing({ dataDir });
    const span = trace.getTracer('t').startSpan('stt.transcribe');
    const topFunctions = [{ function: 'decode', file: 'stt.js', line: 10, selfMs: 4.5 }];
    context.with(trace.setSpan(context.active(), span), () =>
      emit(
        EVENT_PROFILE_RESULT,
        {
          [EVENT_ATTR.COMPONENT]: 'stt',
          [EVENT_ATTR.OPERATION]: 'transcribe',
          [PROFILE_ATTR.DURATION_MS]: 12.5,
          [PROFILE_ATTR.SAMPLE_COUNT]: 40,
          [PROFILE_ATTR.TOP_FUNCTIONS]: JSON.stringify(topFunctions),
          [PROFILE_ATTR.CALL_GRAPH]: [{ from: 'a', to: 'b', weight: 2 }],
          [PROFILE_ATTR.LEAK_SUSPECTED]: true,
          [PROFILE_ATTR.CPU_PROFILE_PATH]: '/tmp/p.cpuprofile',
          [EVENT_ATTR.DETAILS]: '{"mode":"window"}',
          'custom.note': 'kept',
        },
        'profile of stt.transcribe',
      ),
    );
    span.end();
    await events.flush();
    await tracing.shutdown();

    const [row] = queryRows(dataDir, 'profile_results', 'SELECT * FROM profile_results');
    expect(row).toMatchObject({
      id: 1,
      time_us: expect.any(Number),
      event_name: EVENT_PROFILE_RESULT,
      component: 'stt',
      operation: 'transcribe',
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
      service_name: 'voice-agent-test',
      pid: process.pid,
      attributes: JSON.stringify({ [EVENT_ATTR.DETAILS]: '{"mode":"window"}', 'custom.note': 'kept' }),
      body: 'profile of stt.transcribe',
      duration_ms: 12.5,
      sample_count: 40,
      top_functions: JSON.stringify(topFunctions),
      // A structured value given for a TEXT column is stored as JSON.
      call_graph: JSON.stringify([{ from: 'a', to: 'b', weight: 2 }]),
      memory: null,
      leak_suspected: 1,
      cpuprofile_path: '/tmp/p.cpuprofile',
      heapprofile_path: null,
    });
    expect(Math.abs((row.time_us as number) - Date.now() * 1000)).toBeLessThan(60_000_000);
  });

  it('stores benchmark samples (bytes) as a BLOB, numbers in REAL and INTEGER columns', async () => {
    const samples = Float64Array.from([1.25, 2.5, 3.75, 1e-9, 12345.678]);
    const environment = { node: process.version, cores: 2 };
    emit(EVENT_BENCHMARK_RESULT, {
      [EVENT_ATTR.COMPONENT]: 'llm',
      [BENCHMARK_ATTR.NAME]: 'llm.complete',
      [BENCHMARK_ATTR.ITERATIONS]: 5,
      [BENCHMARK_ATTR.TOTAL_MS]: 12351.178,
      [BENCHMARK_ATTR.AVG_MS]: '2470.2356', // a number given as a string is stored as a number
      [BENCHMARK_ATTR.SUCCESS_RATE]: 1,
      [BENCHMARK_ATTR.SAMPLES]: new Uint8Array(samples.buffer),
      [BENCHMARK_ATTR.ENVIRONMENT]: JSON.stringify(environment),
      [BENCHMARK_ATTR.ENVIRONMENT_KEY]: 'abc123',
    });
    await events.flush();

    const [row] = queryRows<Record<string, unknown>>(dataDir, 'benchmark_results', 'SELECT * FROM benchmark_results');
    expect(row).toMatchObject({
      event_name: EVENT_BENCHMARK_RESULT,
      component: 'llm',
      operation: null,
      name: 'llm.complete',
      iterations: 5,
      total_ms: 12351.178,
      avg_ms: 2470.2356,
      min_ms: null,
      success_rate: 1,
      environment: JSON.stringify(environment),
      environment_key: 'abc123',
      attributes: null,
      body: null,
    });
    const typeOf = queryRows<Record<string, string>>(
      dataDir,
      'benchmark_results',
      'SELECT typeof(samples) AS samples, typeof(iterations) AS iterations, typeof(avg_ms) AS avg FROM benchmark_results',
    );
    expect(typeOf).toEqual([{ samples: 'blob', iterations: 'integer', avg: 'real' }]);
    const blob = row.samples as Buffer;
    expect(blob.byteLength).toBe(samples.byteLength);
    const copy = new Uint8Array(blob); // aligned copy
    expect(Array.from(new Float64Array(copy.buffer))).toEqual(Array.from(samples));
  });

  it('writes optimization actions and recommendations into their tables of optimization_logs.db', async () => {
    emit(EVENT_OPTIMIZATION_ACTION, {
      [EVENT_ATTR.COMPONENT]: 'tts',
      [OPTIMIZATION_ATTR.KIND]: 'cache',
      [OPTIMIZATION_ATTR.DESCRIPTION]: 'cache synthesized greetings',
      [OPTIMIZATION_ATTR.BEFORE]: '{"p95Ms":420}',
      [OPTIMIZATION_ATTR.AFTER]: '{"p95Ms":260}',
      [OPTIMIZATION_ATTR.IMPROVEMENT]: '-38% p95 latency',
      [OPTIMIZATION_ATTR.IMPROVEMENT_BASIS]: 'measured',
      [OPTIMIZATION_ATTR.SUCCESS]: false,
    });
    emit(EVENT_OPTIMIZATION_RECOMMENDATION, {
      [OPTIMIZATION_ATTR.RECOMMENDATION_ID]: 'stt-streaming',
      [OPTIMIZATION_ATTR.PRIORITY]: 'high',
      [OPTIMIZATION_ATTR.EVIDENCE]: '{"p95Ms":900}',
      'extra.flag': true,
    });
    await events.flush();

    expect(queryRows(dataDir, 'optimization_logs', 'SELECT * FROM optimization_actions')).toEqual([
      expect.objectContaining({
        event_name: EVENT_OPTIMIZATION_ACTION,
        component: 'tts',
        kind: 'cache',
        description: 'cache synthesized greetings',
        before: '{"p95Ms":420}',
        after: '{"p95Ms":260}',
        improvement: '-38% p95 latency',
        improvement_basis: 'measured',
        success: 0,
        attributes: null,
      }),
    ]);
    expect(queryRows(dataDir, 'optimization_logs', 'SELECT * FROM optimization_recommendations')).toEqual([
      expect.objectContaining({
        recommendation_id: 'stt-streaming',
        priority: 'high',
        evidence: '{"p95Ms":900}',
        kind: null,
        attributes: '{"extra.flag":true}',
      }),
    ]);
    // Nothing else was created.
    expect(fs.readdirSync(dataDir).filter((f) => f.endsWith('.db'))).toEqual(['optimization_logs.db']);
  });

  it('skips log records that are not our events, creating no files for them', async () => {
    const logger = logs.getLogger('app');
    logger.emit({ body: 'user said hello', severityNumber: SeverityNumber.INFO });
    logger.emit({ eventName: 'browser.page_view', attributes: { url: '/' } });
    await events.flush();
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('keeps our events from a mixed batch (BatchLogRecordProcessor), in order', async () => {
    await events.shutdown();
    events = startLogs({ dataDir }, (exporter) => new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 64 }));
    for (let i = 0; i < 300; i++) {
      emit(i % 3 === 0 ? undefined : EVENT_BENCHMARK_RESULT, { [BENCHMARK_ATTR.NAME]: `run ${i}` }, `log ${i}`);
    }
    await events.flush();
    const names = queryRows<{ name: string }>(
      dataDir,
      'benchmark_results',
      'SELECT name FROM benchmark_results ORDER BY id',
    );
    const expected = Array.from({ length: 300 }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .map((i) => `run ${i}`);
    expect(names.map((r) => r.name)).toEqual(expected);
    expect(fs.readdirSync(dataDir).filter((f) => f.endsWith('.db'))).toEqual(['benchmark_results.db']);
  });

  it('stores a structured body as JSON', async () => {
    emit(EVENT_PROFILE_RESULT, { [PROFILE_ATTR.DURATION_MS]: 1 }, { summary: 'ok', n: 2 });
    await events.flush();
    const [row] = queryRows<{ body: string }>(dataDir, 'profile_results', 'SELECT body FROM profile_results');
    expect(JSON.parse(row.body)).toEqual({ summary: 'ok', n: 2 });
  });
});
