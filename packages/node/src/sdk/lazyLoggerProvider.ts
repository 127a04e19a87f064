/* eslint-disable @typescript-eslint/no-require-imports -- the logs SDK loads with the first logger */
import { createNoopLogger, type Logger, type LoggerOptions, type LoggerProvider } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import type { LogRecordExporter, LoggerProvider as SdkLoggerProvider } from '@opentelemetry/sdk-logs';
import { durableFlush } from '@transcriber/storage';

/**
 * The global logger provider, made with the first `getLogger`: log records here are our modules'
 * result events and the GenAI instrumentation's events, which many apps never emit, and
 * @opentelemetry/sdk-logs is ~30 modules to load before the app's first line. The exporters exist
 * from the start (cheap), so a shutdown without any logger taken still releases them.
 */
export class LazyLoggerProvider implements LoggerProvider {
  private provider: SdkLoggerProvider | undefined;
  private stopped = false;

  constructor(
    private readonly resource: Resource,
    private readonly exporters: readonly LogRecordExporter[],
    /** Longest attribute value a log record keeps (see attributeValueLengthLimits). */
    private readonly attributeValueLengthLimit: number,
  ) {}

  getLogger(name: string, version?: string, options?: LoggerOptions): Logger {
    if (this.stopped) return createNoopLogger();
    this.provider ??= this.createProvider();
    return this.provider.getLogger(name, version, options);
  }

  forceFlush(): Promise<void> {
    return this.provider?.forceFlush() ?? Promise.resolve();
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.provider !== undefined) await this.provider.shutdown();
    else await Promise.all(this.exporters.map((exporter) => exporter.shutdown()));
  }

  private createProvider(): SdkLoggerProvider {
    const { BatchLogRecordProcessor, LoggerProvider } =
      require('@opentelemetry/sdk-logs') as typeof import('@opentelemetry/sdk-logs');
    return new LoggerProvider({
      resource: this.resource,
      logRecordLimits: { attributeValueLengthLimit: this.attributeValueLengthLimit },
      // forceFlush() resolves once the records are written (durableFlush).
      processors: this.exporters.map((exporter) =>
        durableFlush(new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 1000 }), exporter),
      ),
    });
  }
}
