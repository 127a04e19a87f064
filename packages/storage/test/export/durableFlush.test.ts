import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { EVENT_OPTIMIZATION_ACTION } from '@transcriber/instrumentation/events';
import { durableFlush, SqliteLogRecordExporter, SqliteSpanExporter } from '@transcriber/storage';
import * as path from 'node:path';
import { countRows } from '../../../../test/helpers/sqlite';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

// 512 is one whole batch: the batch processors export it as it fills, before any flush, so their
// own forceFlush finds nothing queued and returns; 2,000 leaves some queued for the flush.
describe('durableFlush', () => {
  it.each([512, 2_000])(
    'a batch span processor: %i spans are in the file when the provider flush resolves',
    async (count) => {
      const dataDir = path.join(makeTempDir(), 'data');
      const exporter = new SqliteSpanExporter({ dataDir });
      const provider = new BasicTracerProvider({
        spanProcessors: [durableFlush(new BatchSpanProcessor(exporter, { maxQueueSize: 8192 }), exporter)],
      });
      const tracer = provider.getTracer('test');
      for (let i = 0; i < count; i++) tracer.startSpan('durable').end();
      await provider.forceFlush();
      expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(count);
      await provider.shutdown();
    },
  );

  it.each([512, 2_000])(
    'a batch log record processor: %i events are in the file when the provider flush resolves',
    async (count) => {
      const dataDir = path.join(makeTempDir(), 'data');
      const exporter = new SqliteLogRecordExporter({ dataDir });
      const provider = new LoggerProvider({
        processors: [durableFlush(new BatchLogRecordProcessor({ exporter, maxQueueSize: 4096 }), exporter)],
      });
      const logger = provider.getLogger('test');
      for (let i = 0; i < count; i++) logger.emit({ eventName: EVENT_OPTIMIZATION_ACTION, attributes: {} });
      await provider.forceFlush();
      expect(countRows(dataDir, 'optimization_logs', 'optimization_actions')).toBe(count);
      await provider.shutdown();
    },
  );

  it('keeps the processor working as before: spans are exported without a flush', async () => {
    const dataDir = path.join(makeTempDir(), 'data');
    const exporter = new SqliteSpanExporter({ dataDir });
    const processor = durableFlush(new BatchSpanProcessor(exporter, { scheduledDelayMillis: 10 }), exporter);
    const provider = new BasicTracerProvider({ spanProcessors: [processor] });
    provider.getTracer('test').startSpan('durable').end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await exporter.forceFlush();
    expect(countRows(dataDir, 'performance_metrics', 'spans')).toBe(1);
    await provider.shutdown();
  });
});
