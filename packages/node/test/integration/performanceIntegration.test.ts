import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ComponentType } from '@transcriber/instrumentation';
import { PerformanceIntegration, PerformanceMonitor } from '@transcriber/node';
import { openForQuery, summarizeComponents } from '@transcriber/queries';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

afterEach(() => {
  trace.disable();
  metrics.disable();
  logs.disable();
  context.disable();
  propagation.disable();
});

describe('PerformanceIntegration', () => {
  it('records operations, summarises them in memory and flushes them to SQLite on cleanup', async () => {
    const dataDir = makeTempDir();
    const perf = new PerformanceIntegration({ dataDir, monitoringInterval: 0.05 });
    await perf.initialize();
    for (let i = 0; i < 20; i++) {
      await perf.timeOperation(ComponentType.PIPELINE, 'turn', async () => {
        perf.timeOperation(ComponentType.VAD, 'detect', () => i);
        await perf.timeOperation(ComponentType.STT, 'transcribe', () => new Promise((r) => setTimeout(r, 2)));
      });
    }
    expect(() =>
      perf.timeOperation(ComponentType.LLM, 'generate', () => {
        throw new TypeError('bad prompt');
      }),
    ).toThrow('bad prompt');
    await new Promise((r) => setTimeout(r, 120)); // a few resource samples

    const summary = perf.getPerformanceSummary();
    expect(summary.totalOperations).toBe(61);
    expect(summary.components.stt.count).toBe(20);
    expect(summary.components.stt.minMs).toBeGreaterThanOrEqual(1);
    expect(summary.components.llm).toMatchObject({ count: 1, errors: 1, errorRate: 1 });
    expect(summary.avgResponseTimeMs).toBeGreaterThan(0);
    expect(summary.resources.rssBytes).toBeGreaterThan(0);

    await perf.cleanup();
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      const rows = summarizeComponents(db, { sinceUs: 0 });
      expect(Object.fromEntries(rows.map((r) => [r.component, r.count]))).toEqual({
        llm: 1,
        pipeline: 20,
        stt: 20,
        vad: 20,
      });
      const pipelineIds = db.prepare("SELECT span_id FROM spans WHERE component = 'pipeline'").pluck().all();
      const sttParents = db.prepare("SELECT parent_span_id FROM spans WHERE component = 'stt'").pluck().all();
      expect(new Set(sttParents)).toEqual(new Set(pipelineIds));
      const histogramCount = db
        .prepare(
          "SELECT sum(count) FROM metric_points WHERE name = 'transcriber.operation.duration' AND component = 'stt'",
        )
        .pluck()
        .get();
      expect(histogramCount).toBe(20);
      expect(db.prepare('SELECT count(*) FROM resource_snapshots').pluck().get()).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('starts afresh after cleanup: a second integration in the process records into its own data dir', async () => {
    const first = makeTempDir();
    const second = makeTempDir();
    for (const dataDir of [first, second]) {
      const perf = new PerformanceIntegration({ dataDir });
      await perf.initialize();
      perf.timeOperation(ComponentType.VAD, 'detect', () => true);
      await perf.cleanup();
    }
    for (const dataDir of [first, second]) {
      const db = openForQuery(dataDir, 'performance_metrics');
      try {
        expect(db.prepare("SELECT count(*) FROM spans WHERE component = 'vad'").pluck().get()).toBe(1);
      } finally {
        db.close();
      }
    }
  });

  it('joins a tracer provider the app registered instead of replacing it', async () => {
    const appExporter = new InMemorySpanExporter();
    const appProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(appExporter)] });
    trace.setGlobalTracerProvider(appProvider);
    const dataDir = makeTempDir();
    const perf = new PerformanceIntegration({ dataDir });
    await perf.initialize();
    perf.timeOperation(ComponentType.TTS, 'synthesize', () => 'audio');
    await perf.cleanup();
    expect(appExporter.getFinishedSpans().map((s) => s.name)).toEqual(['tts.synthesize']);
    // Metrics were ours to start: the histogram still reached SQLite.
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      expect(db.prepare("SELECT count(*) FROM metric_points WHERE component = 'tts'").pluck().get()).toBeGreaterThan(0);
      expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('shares one SDK between a monitor and an integration in one process', async () => {
    const dataDir = makeTempDir();
    const monitor = new PerformanceMonitor(dataDir);
    const perf = new PerformanceIntegration({ dataDir });
    await monitor.startMonitoring();
    await perf.initialize();
    perf.timeOperation(ComponentType.TOOL, 'lights', () => true);
    await monitor.stopMonitoring(); // the integration still runs: nothing is shut down under it
    perf.timeOperation(ComponentType.TOOL, 'lights', () => true);
    expect(monitor.getPerformanceSummary().components.tool.count).toBe(2);
    await perf.cleanup();
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      expect(db.prepare("SELECT count(*) FROM spans WHERE component = 'tool'").pluck().get()).toBe(2);
    } finally {
      db.close();
    }
  });
});
