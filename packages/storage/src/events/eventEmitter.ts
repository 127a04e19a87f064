import { diag, context as otelContext } from '@opentelemetry/api';
import { logs, type AnyValueMap, type Logger, type LoggerProvider } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider as SdkLoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { INSTRUMENTATION_SCOPE } from '@transcriber/instrumentation/names';
import { SqliteLogRecordExporter } from '../export/sqliteLogRecordExporter';

const GLOBAL_LOGS_KEY = Symbol.for('io.opentelemetry.js.api.logs');

/** Emits our events (profile, benchmark and optimization results) as OTel log records. */
export interface EventEmitter {
  /** Emits one event, attached to the active span's context. Never throws. */
  emit(eventName: string, attributes: AnyValueMap): void;
  /** Resolves when what was emitted has been exported (written, for the SQLite exporter). */
  flush(): Promise<void>;
  /** Releases the private provider, if one was made. */
  shutdown(): Promise<void>;
}

/**
 * An emitter for modules that persist results (profiler, benchmarks, optimizer). With a logger
 * provider registered (the SDK started by @transcriber/node, or the app's own), events go through
 * it, to SQLite and wherever else it exports. With none, a private provider writes them straight
 * to the SQLite databases of `dataDir`, so a module used on its own still keeps its results.
 */
export function createEventEmitter(options: { dataDir: string }): EventEmitter {
  const registered = (globalThis as Record<symbol, unknown>)[GLOBAL_LOGS_KEY] !== undefined;
  let provider: LoggerProvider;
  let privateProvider: SdkLoggerProvider | undefined;
  let privateExporter: SqliteLogRecordExporter | undefined;
  if (registered) {
    provider = logs.getLoggerProvider();
  } else {
    privateExporter = new SqliteLogRecordExporter({ dataDir: options.dataDir });
    privateProvider = new SdkLoggerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName(), 'process.pid': process.pid }),
      processors: [new SimpleLogRecordProcessor({ exporter: privateExporter })],
    });
    provider = privateProvider;
  }
  const logger: Logger = provider.getLogger(INSTRUMENTATION_SCOPE);
  return {
    emit(eventName, attributes) {
      try {
        logger.emit({ eventName, attributes, context: otelContext.active() });
      } catch (err) {
        diag.error(`transcriber: emitting ${eventName} failed`, err);
      }
    },
    async flush() {
      const flushable = provider as { forceFlush?: () => Promise<void> };
      try {
        await flushable.forceFlush?.();
        // A SimpleLogRecordProcessor's flush only waits for export(), which queues the rows on the
        // writer; the exporter's flush waits until they are written.
        await privateExporter?.forceFlush();
      } catch (err) {
        diag.error('transcriber: flushing events failed', err);
      }
    },
    async shutdown() {
      await privateProvider?.shutdown();
    },
  };
}

function serviceName(): string {
  return process.env.OTEL_SERVICE_NAME || 'unknown_service:node';
}
