/**
 * Trends of stored benchmark runs on their own (`@transcriber/benchmarks/history`): describing
 * history needs neither the OTel SDK nor the event exporter that the main entry loads, so
 * `transcriber benchmark history` starts in milliseconds.
 */
export { benchmarkTrends } from './history/trends';
export type { BenchmarkTrend, TrendPoint } from './types';
