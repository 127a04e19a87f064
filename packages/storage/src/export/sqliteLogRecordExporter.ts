import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { SqliteStorage, type EventDatabaseName } from '../write/sqliteStorage';
import { EVENT_DATABASES } from './eventDatabases';
import { eventWork } from './eventRows';
import type { SqliteExporterOptions } from './sqliteSpanExporter';
import { WRITE_CHUNK_ROWS } from './writeChunk';

/**
 * Writes our events (log records with an event name: profile results, benchmark results,
 * optimization actions and recommendations) into their databases, routed by event name. Other
 * log records are not ours to keep and are skipped.
 */
export class SqliteLogRecordExporter implements LogRecordExporter {
  private readonly storage: SqliteStorage;
  private shutDown = false;
  private skippedWarned = false;

  constructor(options: SqliteExporterOptions) {
    this.storage = SqliteStorage.acquire(options.dataDir, options);
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (this.shutDown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const byDatabase = new Map<EventDatabaseName, ReadableLogRecord[]>();
    for (const record of records) {
      const database = record.eventName === undefined ? undefined : EVENT_DATABASES[record.eventName];
      if (database === undefined) {
        if (!this.skippedWarned) {
          this.skippedWarned = true;
          diag.debug('transcriber: log records without one of our event names are not stored in SQLite');
        }
        continue;
      }
      let list = byDatabase.get(database);
      if (list === undefined) byDatabase.set(database, (list = []));
      list.push(record);
    }
    for (const [database, list] of byDatabase) {
      const writer = this.storage.eventWriter(database);
      for (let i = 0; i < list.length; i += WRITE_CHUNK_ROWS)
        writer.submit(eventWork(list.slice(i, i + WRITE_CHUNK_ROWS)));
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
