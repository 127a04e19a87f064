/**
 * The read side on its own: queries, database statistics and maintenance, without the OTel SDK
 * exporters that index.ts also exports. The CLI imports `@transcriber/sqlite-exporter/read`
 * so that a query starts in a few milliseconds instead of loading the SDK first.
 */
export { DATABASE_FILES, DATABASE_NAMES, databasePath } from './database/databaseFiles';
export type { DatabaseName } from './database/databaseFiles';
export { openForQuery } from './query/openForQuery';
export { withQueryDatabase } from './query/withQueryDatabase';
export { QueryError } from './query/queryError';
export type { QueryErrorReason } from './query/queryError';
export { summarizeComponents } from './query/summarizeComponents';
export type { SummaryFilter } from './query/summarizeComponents';
export { recentOperations } from './query/recentOperations';
export type { OperationFilter } from './query/recentOperations';
export { getTrace } from './query/getTrace';
export { resourceHistory } from './query/resourceHistory';
export { newestStart } from './query/newestStart';
export { resourceSummary } from './query/resourceSummary';
export type { ProcessResources } from './query/resourceSummary';
export { memoryHistory } from './query/memoryHistory';
export type { MemoryHistoryFilter, ProcessMemory, MemoryPoint } from './query/memoryHistory';
export { benchmarkHistory } from './query/benchmarkHistory';
export type { BenchmarkHistoryFilter, BenchmarkRecord } from './query/benchmarkHistory';
export { recentTurns } from './query/recentTurns';
export { summarizeTurns } from './query/summarizeTurns';
export type { Distribution, StageAverage, TurnSummary } from './query/summarizeTurns';
export type { TurnFilter, TurnRecord, TurnStageTime } from './query/turnRows';
export { optimizationLog } from './query/optimizationLog';
export type { OptimizationLogFilter, OptimizationLogEntry } from './query/optimizationLog';
export { databaseStats } from './query/databaseStats';
export type { DatabaseStats, TableStats } from './query/databaseStats';
export { pruneDatabaseFile, vacuumDatabaseFile } from './maintenance';
export type { MaintenanceResult } from './maintenance';
export type { RetentionPolicy, PruneResult } from './retention';
export type { TimeWindow, ComponentSummary, OperationRecord, TraceSpan, ResourceSnapshot } from './query/types';
export { resourceScope, resourceCondition, spanScope } from './query/serviceScope';
export type { ServiceFilter, ResourceScope } from './query/serviceScope';
export { listServices } from './query/listServices';
export type { ServiceInfo } from './query/listServices';
export { percentileOfSorted } from './query/percentile';
export { markLatencies } from './query/markLatencies';
export type { MarkFilter, MarkLatency } from './query/markLatencies';
export { errorBreakdown } from './query/errorBreakdown';
export type { ErrorCount } from './query/errorBreakdown';
export { metricTotals } from './query/metricTotals';
export type { MetricTotals } from './query/metricTotals';
