// One instrumented process: writes `count` operations through the real SDK (BatchSpanProcessor)
// and our exporter into `dataDir`, starting at `startAtMs`, then shuts down and reports.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ComponentType, timeOperation } from '@transcriber/instrumentation';
import { SqliteSpanExporter, SqliteStorage } from '@transcriber/storage';
import { captureWarnings, runMain, sleepUntil } from './common';

const [dataDir, count, startAtMs] = process.argv.slice(2);

runMain(async () => {
  const warnings = captureWarnings();
  const storage = SqliteStorage.acquire(dataDir);
  const writer = storage.performanceWriter();
  const exporter = new SqliteSpanExporter({ dataDir });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `writer-${process.pid}`, 'process.pid': process.pid }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 512, scheduledDelayMillis: 20 }),
    ],
  });
  provider.register();
  await sleepUntil(Number(startAtMs));
  for (let i = 0; i < Number(count); i++) {
    timeOperation(ComponentType.STT, 'transcribe', (op) => op.span.setAttribute('test.index', i));
    if (i % 250 === 249) await new Promise((resolve) => setImmediate(resolve));
  }
  await provider.shutdown();
  storage.release(); // the last user: drains and closes
  return { pid: process.pid, written: writer.rowsWritten, dropped: writer.rowsDropped, warnings };
});
