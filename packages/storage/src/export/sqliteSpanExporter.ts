import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SqliteStorage, type SqliteStorageOptions } from '../write/sqliteStorage';
import { spanBatch } from './spanRows';
import { WRITE_CHUNK_ROWS } from './writeChunk';

export interface SqliteExporterOptions extends SqliteStorageOptions {
  /** Directory of the four database files. */
  dataDir: string;
}

/**
 * Writes spans into `<dataDir>/performance_metrics.db`. `export` hands the batch to the data dir's
 * writer and returns at once; the rows are written within a few event-loop turns (or within
 * `gatherMs`, when given), in transactions small enough not to stall the loop, and `forceFlush`
 * waits until they are committed. The SDK's batch processor does not call it: wrap the processor
 * in `durableFlush` for a provider flush that does (startTelemetry's are).
 */
export class SqliteSpanExporter implements SpanExporter {
  private readonly storage: SqliteStorage;
  private shutDown = false;

  constructor(options: SqliteExporterOptions) {
    this.storage = SqliteStorage.acquire(options.dataDir, options);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.shutDown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const writer = this.storage.performanceWriter();
    for (let i = 0; i < spans.length; i += WRITE_CHUNK_ROWS) {
      writer.submit(spanBatch(spans.slice(i, i + WRITE_CHUNK_ROWS)));
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  forceFlush(): Promise<void> {
    return this.storage.whenIdle();
  }

  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    this.storage.release();
  }
}
