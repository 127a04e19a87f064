/**
 * The read side: every query the CLI and the web view make, database statistics and maintenance
 * (prune, vacuum). Loads no OpenTelemetry package, so a query command starts in a few milliseconds.
 * The databases' names and paths are `@transcriber/storage/files`.
 */
export { openForQuery } from './openForQuery';
export { withQueryDatabase } from './withQueryDatabase';
export { QueryError } from './queryError';
export type { QueryErrorReason } from './queryError';
export { summarizeComponents } from './summarizeComponents';
export type { SummaryFilter } from './summarizeComponents';
export { recentOperations } from './recentOperations';
export type { OperationFilter } from './recentOperations';
export { getTrace, traceIdsWith } from './getTrace';
export { resourceHistory } from './resourceHistory';
export { newestStart } from './newestStart';
export { resourceSummary } from './resourceSummary';
export type { ProcessResources } from './resourceSummary';
export { memoryHistory } from './memoryHistory';
export type { MemoryHistoryFilter, ProcessMemory, MemoryPoint } from './memoryHistory';
export { benchmarkHistory } from './benchmarkHistory';
export type { BenchmarkHistoryFilter, BenchmarkRecord } from './benchmarkHistory';
export { recentTurns } from './recentTurns';
export { summarizeTurns } from './summarizeTurns';
export type { Distribution, StageAverage, TurnSummary } from './summarizeTurns';
export { turnOfSpan } from './turnRows';
export type { TurnFilter, TurnRecord, TurnStageTime } from './turnRows';
export { optimizationLog } from './optimizationLog';
export type { OptimizationLogFilter, OptimizationLogEntry } from './optimizationLog';
export { databaseStats } from './databaseStats';
export type { DatabaseStats, TableStats } from './databaseStats';
export { pruneDatabaseFile, vacuumDatabaseFile } from './maintenance';
export type { MaintenanceResult } from './maintenance';
export type { TimeWindow, ComponentSummary, OperationRecord, TraceSpan, ResourceSnapshot } from './types';
export { markLatencies } from './markLatencies';
export type { MarkFilter, MarkLatency } from './markLatencies';
export { errorBreakdown } from './errorBreakdown';
export type { ErrorCount } from './errorBreakdown';
export { metricTotals } from './metricTotals';
export type { MetricTotals } from './metricTotals';
export { percentileOfSorted } from './percentile';
