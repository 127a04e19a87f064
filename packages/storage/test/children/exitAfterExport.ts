// Exports `count` spans and exits at once, without shutting anything down: the exporter's exit
// hook must still write what was queued.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { SqliteSpanExporter, SqliteStorage } from '@transcriber/storage';

const [dataDir, count] = process.argv.slice(2);

const collector = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(collector)] });
for (let i = 0; i < Number(count); i++) provider.getTracer('exit-test').startSpan(`span ${i}`).end();
const exporter = new SqliteSpanExporter({ dataDir });
exporter.export(collector.getFinishedSpans(), () => {});
const storage = SqliteStorage.acquire(dataDir);
process.stdout.write(`${JSON.stringify({ pending: storage.performanceWriter().rowsPending })}\n`);
process.exit(0);
