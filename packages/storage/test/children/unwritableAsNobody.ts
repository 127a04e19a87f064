// An instrumented process running as `nobody` whose data dir it may not create (its parent is a
// root-owned 0700 directory). It exports `count` operations, reports the fault (`fault`), waits for
// the parent to fix the permissions (`go` on stdin), then waits for the rows to be written.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ComponentType, timeOperation } from '@transcriber/instrumentation';
import { SqliteSpanExporter, SqliteStorage } from '@transcriber/storage';
import { captureWarnings, nextStdinLine, runMain, sleep } from './common';

const [dataDir, count] = process.argv.slice(2);

runMain(async () => {
  process.setgid!(65534);
  process.setuid!(65534);
  const warnings = captureWarnings();
  const storage = SqliteStorage.acquire(dataDir);
  const writer = storage.performanceWriter();
  const exporter = new SqliteSpanExporter({ dataDir });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'nobody', 'process.pid': process.pid }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider.register();
  const results: number[] = [];
  for (let i = 0; i < Number(count); i++) results.push(timeOperation(ComponentType.TTS, 'synthesize', () => i * 2));
  await provider.forceFlush();
  while (writer.currentFault === undefined && writer.rowsWritten === 0) await sleep(10);
  const fault = writer.currentFault;
  process.stdout.write('fault\n');
  await nextStdinLine();
  const deadline = Date.now() + 20_000;
  while (writer.rowsWritten < Number(count) && Date.now() < deadline) await sleep(20);
  await provider.shutdown();
  storage.release();
  return {
    uid: process.getuid!(),
    fault,
    appResultsIntact: results.every((r, i) => r === i * 2),
    written: writer.rowsWritten,
    dropped: writer.rowsDropped,
    warnings,
  };
});
