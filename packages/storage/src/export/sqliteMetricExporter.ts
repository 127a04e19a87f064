import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { SqliteStorage } from '../write/sqliteStorage';
import { metricBatch } from './metricRows';
import type { SqliteExporterOptions } from './sqliteSpanExporter';

export interface SqliteMetricExporterOptions extends SqliteExporterOptions {
  /**
   * Whether the monitor's resource gauges become `resource_snapshots` rows (one per export).
   * Default true; false where the process's monitor writes each sample itself
   * (SqliteResourceSnapshotExporter), at its monitoring interval.
   */
  resourceSnapshots?: boolean;
}

/**
 * Writes metric points into `<dataDir>/performance_metrics.db`. It asks for DELTA temporality, so
 * each row holds what happened in its export interval and windows are plain sums; the monitor's
 * resource gauges become `resource_snapshots` rows (unless `resourceSnapshots: false`).
 */
export class SqliteMetricExporter implements PushMetricExporter {
  private readonly storage: SqliteStorage;
  private readonly resourceSnapshots: boolean;
  private shutDown = false;

  constructor(options: SqliteMetricExporterOptions) {
    this.storage = SqliteStorage.acquire(options.dataDir, options);
    this.resourceSnapshots = options.resourceSnapshots !== false;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.shutDown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    this.storage.performanceWriter().submit(metricBatch(metrics, this.resourceSnapshots));
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.DELTA;
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
