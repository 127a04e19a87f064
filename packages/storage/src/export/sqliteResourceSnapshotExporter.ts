import type { Resource } from '@opentelemetry/resources';
import { resourceJson } from '../write/resourceIds';
import { SqliteStorage } from '../write/sqliteStorage';
import { resourceSnapshotRow, type ResourceGaugeValues } from './resourceSnapshotRow';
import type { SqliteExporterOptions } from './sqliteSpanExporter';

/**
 * Writes a process's resource samples into `resource_snapshots`, one row per sample, as the
 * monitor takes them (every `monitoringInterval`). Through the metric exporter a process got one
 * row per metric export (every 10 s), and its last one was taken in the middle of shutting down,
 * over an interval of microseconds: no event-loop delay, no machine CPU.
 */
export class SqliteResourceSnapshotExporter {
  private readonly storage: SqliteStorage;
  private readonly resource: string;
  private readonly pid: number | null;
  private shutDown = false;

  constructor(options: SqliteExporterOptions, resource: Resource) {
    this.storage = SqliteStorage.acquire(options.dataDir, options);
    this.resource = resourceJson(resource);
    const pid = resource.attributes['process.pid'];
    this.pid = typeof pid === 'number' ? pid : null;
  }

  /** One sample, taken at `timeMs` (epoch ms). */
  export(values: ResourceGaugeValues, timeMs: number): void {
    if (this.shutDown) return;
    const snapshot = resourceSnapshotRow(values, Math.round(timeMs * 1000), this.pid);
    this.storage
      .performanceWriter()
      .submit({ kind: 'metrics', rows: 1, resource: this.resource, points: [], snapshot });
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
