import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { SqliteMetricExporter, SqliteSpanExporter } from '@transcriber/storage';

export interface Recording {
  /** Waits until everything recorded so far is in the database. */
  flush(): Promise<void>;
  /** Shuts the SDK down and unregisters the OTel globals. */
  shutdown(): Promise<void>;
}

/**
 * The real tracing and metrics SDK, registered globally (so `timeOperation` records into it), with
 * the SQLite exporters writing into `dataDir`.
 */
export function recordInto(dataDir: string): Recording {
  const resource = resourceFromAttributes({ 'service.name': 'voice-agent-test', 'process.pid': process.pid });
  const spans = new SqliteSpanExporter({ dataDir });
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(spans)] });
  tracerProvider.register();
  const reader = new PeriodicExportingMetricReader({
    exporter: new SqliteMetricExporter({ dataDir }),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    async flush() {
      await tracerProvider.forceFlush();
      await spans.forceFlush();
      await meterProvider.forceFlush();
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
    },
  };
}
