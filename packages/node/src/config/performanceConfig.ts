/**
 * Settings of the performance system. Defaults < config file < environment
 * (`TRANSCRIBER_PERF_<FIELD>`); every field is documented in docs/configuration.md.
 */
export interface PerformanceConfig {
  /** Record operations and sample resources. */
  enableMonitoring: boolean;
  /** Seconds between resource samples. */
  monitoringInterval: number;
  /** Recent operations kept in memory by the monitor (`getCurrentMetrics`, `getPerformanceSummary`). */
  maxMetricsHistory: number;
  /** Profile operations (see `profilingSampleRate`). */
  enableProfiling: boolean;
  /** Add heap sampling and leak detection to profiles. */
  enableMemoryProfiling: boolean;
  /** Share (0–1) of operations profiled when profiling is enabled. */
  profilingSampleRate: number;
  /** Iterations of a benchmark when none are given. */
  defaultBenchmarkIterations: number;
  /** Seconds a benchmark may run before it is stopped. */
  benchmarkTimeout: number;
  /** Run safe optimizations (memory, caches) every `optimizationInterval`. */
  enableAutoOptimization: boolean;
  /** Seconds between automatic optimizations. */
  optimizationInterval: number;
  /** Directory of the four SQLite databases. */
  dataDir: string;
  /** Seconds between metric exports to SQLite (OTEL_METRIC_EXPORT_INTERVAL, in ms, overrides). */
  metricExportInterval: number;
  /** Days of history the databases keep. */
  retentionDays: number;
  /** Glob patterns (relative to the working directory) of the bench files `transcriber benchmark` runs. */
  benchmarkFiles: readonly string[];
}

export const DEFAULT_CONFIG: Readonly<PerformanceConfig> = Object.freeze({
  enableMonitoring: true,
  monitoringInterval: 1.0,
  maxMetricsHistory: 10000,
  enableProfiling: false,
  enableMemoryProfiling: false,
  profilingSampleRate: 0.1,
  defaultBenchmarkIterations: 100,
  benchmarkTimeout: 300.0,
  enableAutoOptimization: false,
  optimizationInterval: 3600.0,
  dataDir: './data',
  metricExportInterval: 10,
  retentionDays: 30,
  benchmarkFiles: Object.freeze(['benchmarks/**/*.bench.{ts,js,mjs,cjs}']),
});
