/**
 * The databases themselves, without the OpenTelemetry SDK: opening (and migrating) a file, the
 * schema of each, retention, the per-minute latency buckets of the span rollup, the walk over the
 * spans' component index, and how SQLite errors are classified. Shared by the write side and by
 * `@transcriber/queries`.
 */
export { openDatabaseForWriting, openDatabaseForReading } from './database/openDatabase';
export type { Migration } from './database/migration';
export { componentsToQuery, spanComponents, spanStartRange } from './database/spanComponents';
export { migrationsFor, retainedTables, EVENT_DATABASE_SCHEMAS } from './schema/schemas';
export type { EventTable, EventColumn, EventDatabaseSchema } from './schema/eventTable';
export { pruneDatabase } from './retention';
export type { RetentionPolicy, PruneResult } from './retention';
export { latencyBucketOf, minuteOf, percentileOfBuckets } from './rollup/latencyBuckets';
export type { BucketCount } from './rollup/latencyBuckets';
export { classifyStorageError } from './write/storageFault';
export type { StorageFault } from './write/storageFault';
