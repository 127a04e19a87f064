/**
 * The write side: the OTel SDK exporters into the four databases and the engine under them (one
 * storage per data directory, its writers, the writer thread). What a program that records needs;
 * reading is `@transcriber/queries`, receiving OTLP `@transcriber/otlp-receiver`. Light entries:
 * `./files` (database names and paths), `./databases` (opening, schema, migrations, retention),
 * `./events` (the event emitter the profiler, benchmarks and optimizer use).
 */
export { SqliteSpanExporter } from './export/sqliteSpanExporter';
export type { SqliteExporterOptions } from './export/sqliteSpanExporter';
export { SqliteMetricExporter } from './export/sqliteMetricExporter';
export type { SqliteMetricExporterOptions } from './export/sqliteMetricExporter';
export { SqliteResourceSnapshotExporter } from './export/sqliteResourceSnapshotExporter';
export type { ResourceGaugeValues } from './export/resourceSnapshotRow';
export { SqliteLogRecordExporter } from './export/sqliteLogRecordExporter';
export { EVENT_DATABASES } from './export/eventDatabases';
export { durableFlush } from './export/durableFlush';
export { TimeOrderedIdGenerator } from './ids/timeOrderedIdGenerator';
export { SqliteStorage } from './write/sqliteStorage';
export type { SqliteStorageOptions, EventDatabaseName } from './write/sqliteStorage';
export { DatabaseWriter } from './write/databaseWriter';
export type { DatabaseWriterOptions, WriterSchema, CheckpointMode } from './write/databaseWriter';
export type { WriteWork } from './write/writeQueue';
export { PerformanceWriter } from './write/performanceWriter';
export type { PerformanceWriterOptions } from './write/performanceWriter';
export type { PerformanceBatch, SpanBatch, MetricBatch, PruneBatch } from './write/performanceBatch';
export type { StorageFault } from './write/storageFault';
