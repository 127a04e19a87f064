import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type ViewOptions } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import {
  SqliteLogRecordExporter,
  SqliteMetricExporter,
  SqliteSpanExporter,
  type SqliteExporterOptions,
} from '@transcriber/storage';

export function testResource(attributes: Record<string, string | number> = {}): Resource {
  return resourceFromAttributes({ 'service.name': 'voice-agent-test', 'process.pid': process.pid, ...attributes });
}

export interface TracingPipeline {
  readonly exporter: SqliteSpanExporter;
  readonly provider: NodeTracerProvider;
  /** Exports everything ended so far and waits until it is written. */
  flush(): Promise<void>;
  /** Shuts the provider down and unregisters the OTel globals. */
  shutdown(): Promise<void>;
}

/**
 * A real tracing SDK, registered as the global one (so `timeOperation` records into it), with our
 * exporter behind a Simple (default) or Batch span processor, and optionally a second processor (an
 * in-memory exporter gives the spans as the SDK saw them, to compare rows with).
 */
export function startTracing(
  options: SqliteExporterOptions,
  setup: { batch?: boolean; resource?: Resource; alsoTo?: SpanProcessor } = {},
): TracingPipeline {
  const exporter = new SqliteSpanExporter(options);
  const processor: SpanProcessor = setup.batch
    ? new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, maxExportBatchSize: 512, scheduledDelayMillis: 50 })
    : new SimpleSpanProcessor(exporter);
  const spanProcessors = setup.alsoTo === undefined ? [processor] : [processor, setup.alsoTo];
  const provider = new NodeTracerProvider({ resource: setup.resource ?? testResource(), spanProcessors });
  provider.register();
  return {
    exporter,
    provider,
    async flush() {
      // Span processors hand spans to `export`; the exporter's own flush waits for the rows.
      await provider.forceFlush();
      await exporter.forceFlush();
    },
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

export interface MetricsPipeline {
  readonly exporter: SqliteMetricExporter;
  readonly provider: MeterProvider;
  /** Collects, exports and waits until the points are written. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A real metrics SDK, registered globally, exporting to SQLite only when flushed. */
export function startMetrics(
  options: SqliteExporterOptions,
  setup: { resource?: Resource; views?: ViewOptions[] } = {},
): MetricsPipeline {
  const exporter = new SqliteMetricExporter(options);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: setup.resource ?? testResource(),
    readers: [reader],
    views: setup.views,
  });
  metrics.setGlobalMeterProvider(provider);
  return {
    exporter,
    provider,
    // PeriodicExportingMetricReader's flush collects, exports and then flushes the exporter.
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}

export interface LogsPipeline {
  readonly exporter: SqliteLogRecordExporter;
  readonly provider: LoggerProvider;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A real logs SDK with our exporter behind the given processor (Simple by default). */
export function startLogs(
  options: SqliteExporterOptions,
  processorFor: (exporter: SqliteLogRecordExporter) => LogRecordProcessor = (exporter) =>
    new SimpleLogRecordProcessor({ exporter }),
  resource: Resource = testResource(),
): LogsPipeline {
  const exporter = new SqliteLogRecordExporter(options);
  const provider = new LoggerProvider({ resource, processors: [processorFor(exporter)] });
  logs.setGlobalLoggerProvider(provider);
  return {
    exporter,
    provider,
    async flush() {
      await provider.forceFlush();
      await exporter.forceFlush();
    },
    async shutdown() {
      await provider.shutdown();
      logs.disable();
    },
  };
}
