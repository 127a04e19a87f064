// An app whose last act is to await the exporter's flush, with nothing else keeping it alive: the
// flush must resolve (and the line after it run) even while a background checkpoint is running.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { SqliteSpanExporter } from '@transcriber/storage';

const [dataDir, count] = process.argv.slice(2);

async function main(): Promise<void> {
  const collector = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(collector)] });
  for (let i = 0; i < Number(count); i++) provider.getTracer('app').startSpan(`span ${i}`).end();
  const spans = collector.getFinishedSpans();
  const exporter = new SqliteSpanExporter({ dataDir });
  // Flushed in two steps, as an SDK shutting down flushes spans and then metrics: the first
  // commit starts a background checkpoint, which the second flush meets.
  const half = spans.length >> 1;
  exporter.export(spans.slice(0, half), () => {});
  await exporter.forceFlush();
  exporter.export(spans.slice(half), () => {});
  await exporter.forceFlush();
  process.stdout.write('flushed\n');
}

void main();
