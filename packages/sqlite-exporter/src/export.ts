/**
 * The write side on its own: the exporters the OTel SDK uses, the trace-id generator of our tracer
 * provider (and the percentile helper the in-process monitor shares with the queries), without the
 * read-side queries, maintenance and OTLP receiver that index.ts also exports. The preload (via
 * @transcriber/node's startTelemetry) imports `@transcriber/sqlite-exporter/export`: about a third of
 * the package's modules, loaded before the app's first line.
 */
export { SqliteSpanExporter } from './export/sqliteSpanExporter';
export type { SqliteExporterOptions } from './export/sqliteSpanExporter';
export { SqliteMetricExporter } from './export/sqliteMetricExporter';
export { SqliteLogRecordExporter } from './export/sqliteLogRecordExporter';
export { TimeOrderedIdGenerator } from './ids/timeOrderedIdGenerator';
export { percentileOfSorted } from './query/percentile';
