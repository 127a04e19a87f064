export { BenchmarkSuite } from './benchmarkSuite';
export type { BenchmarkSuiteOptions, HistoryQuery } from './benchmarkSuite';
export { BenchmarkInputError } from './benchmarkInputError';
export type {
  BenchmarkFn,
  BenchmarkOptions,
  BenchmarkProgress,
  BenchmarkStatistics,
  BenchmarkFailure,
  BenchmarkEnvironment,
  RegressionVerdict,
  RegressionReport,
  ComponentShare,
  CompletedBenchmark,
  ErroredBenchmark,
  TimedOutBenchmark,
  BenchmarkResult,
  TrendPoint,
  BenchmarkTrend,
} from './types';
export { computeStatistics } from './stats/statistics';
export { mannWhitneyU } from './stats/mannWhitney';
export type { MannWhitneyResult } from './stats/mannWhitney';
export { detectRegression, DEFAULT_REGRESSION_THRESHOLDS } from './stats/detectRegression';
export type { RegressionThresholds } from './stats/detectRegression';
export { tCritical95 } from './stats/studentT';
export { currentEnvironment, environmentKey } from './run/environment';
export { benchmarkTrends } from './history/trends';
export { defineBenchmarks } from './files/defineBenchmarks';
export type { BenchFileDefinition, BenchmarkDefinition } from './files/defineBenchmarks';
export { findBenchFiles, globToRegExp } from './files/findBenchFiles';
export { loadBenchFile, BenchFileError } from './files/loadBenchFile';
export type { LoadedBenchFile } from './files/loadBenchFile';
export { runBenchFiles } from './files/runBenchFiles';
export type { RunBenchFilesOptions, BenchRunListener, BenchRunProblem, BenchRunReport } from './files/runBenchFiles';
