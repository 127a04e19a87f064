/** A function to benchmark: sync, or async (returning a promise that is awaited each iteration). */
export type BenchmarkFn = () => unknown;

/** What `BenchmarkSuite.runBenchmark` measures. */
export interface BenchmarkOptions {
  /** Identifies the benchmark in history; runs with the same name, component and environment are compared. */
  name: string;
  /** One of the component types (`stt`, `llm`, …, `pipeline`). */
  component: string;
  fn: BenchmarkFn;
  /** Measured iterations (whole number ≥ 1). Default: the suite's `defaultIterations`. */
  iterations?: number;
  /** Iterations run first and not measured, to let the JIT and caches settle. Default: 10% of `iterations` (at most 10). */
  warmupIterations?: number;
  /** Longest time warm-up plus measurement may take, ms. Default: the suite's `defaultTimeoutMs`. */
  timeoutMs?: number;
  /** Kept with the result (JSON object), e.g. the model or input size. */
  metadata?: Record<string, unknown>;
  /** Called a few times per second while the benchmark runs, and once at the end of each phase. */
  onProgress?: (progress: BenchmarkProgress) => void;
}

export interface BenchmarkProgress {
  phase: 'warmup' | 'measure';
  done: number;
  total: number;
}

/** The statistics of the successful iterations, ms (NaN when there were none). */
export interface BenchmarkStatistics {
  /** Iterations run (successful or not). */
  iterations: number;
  /** Sum of the durations of all iterations run, failed ones included. */
  totalTimeMs: number;
  avgTimeMs: number;
  minTimeMs: number;
  maxTimeMs: number;
  medianTimeMs: number;
  /** Sample standard deviation (n − 1). */
  stdDevMs: number;
  p95TimeMs: number;
  p99TimeMs: number;
  /** Half-width of the 95% confidence interval of the mean (Student's t). */
  marginOfErrorMs: number;
  /** Successful iterations per second of measured time. */
  throughputPerSec: number;
  /** Successful iterations ÷ iterations run, 0–1. */
  successRate: number;
}

/** Failed iterations of one error type. Messages are not kept in history (they may carry user content). */
export interface BenchmarkFailure {
  errorType: string;
  count: number;
  /** The first message of this type, for the person running the benchmark; not stored. */
  firstMessage: string;
}

/** Where a benchmark ran; runs are only compared within one environment. */
export interface BenchmarkEnvironment {
  nodeVersion: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cores: number;
  totalMemoryMb: number;
  /** `git rev-parse HEAD` of the working directory, when it is a git checkout. */
  gitCommit?: string;
}

/** How a new run compares with the history of the same benchmark in the same environment. */
export type RegressionVerdict = 'regression' | 'improvement' | 'no-change' | 'insufficient-history';

export interface RegressionReport {
  verdict: RegressionVerdict;
  /** Why the verdict, in a sentence with the numbers. */
  summary: string;
  /** Completed runs whose samples form the baseline. */
  baselineRuns: number;
  baselineSamples: number;
  samples: number;
  baselineMedianMs: number;
  medianMs: number;
  /** (median − baseline median) ÷ baseline median × 100; positive is slower. */
  effectPercent: number;
  /** Two-sided p-value of the Mann–Whitney U test (normal approximation, tie-corrected). */
  pValue: number;
  /** U of the new samples against the baseline. */
  u: number;
  z: number;
  /** Probability that a new sample is slower than a baseline sample (U ÷ n₁n₂); 0.5 is no difference. */
  probabilitySlower: number;
  /** The thresholds applied. */
  minEffectPercent: number;
  significance: number;
}

/** A component's part of a pipeline benchmark, from the spans recorded during the run. */
export interface ComponentShare {
  component: string;
  /** Spans of this component under the measured pipeline iterations. */
  spans: number;
  /** Sum of their durations, ms (includes time in nested operations). */
  totalMs: number;
  /** Time in this component's own spans, not in nested spans, ms. */
  selfMs: number;
  /** `selfMs` per measured iteration. */
  avgSelfMsPerIteration: number;
  /** `selfMs` ÷ total pipeline time × 100. Concurrent children can make shares add up to more than 100. */
  sharePercent: number;
}

interface BenchmarkResultBase extends BenchmarkStatistics {
  name: string;
  component: string;
  /** When measurement started, ms since the epoch. */
  startedAtMs: number;
  warmupIterations: number;
  /** Durations of the successful iterations, ms, in the order they ran. */
  samples: Float64Array;
  failures: BenchmarkFailure[];
  environment: BenchmarkEnvironment;
  /** Hash of the environment fields that make timings comparable (not the git commit). */
  environmentKey: string;
  metadata: Record<string, unknown>;
}

/** Every iteration ran (some may have failed, see `successRate`). */
export interface CompletedBenchmark extends BenchmarkResultBase {
  state: 'completed';
  regression: RegressionReport;
  /** Pipeline benchmarks: each component's share of the time. */
  componentShares?: ComponentShare[];
  /** Pipeline benchmarks: why there is no breakdown (e.g. no spans were recorded). */
  componentSharesUnavailable?: string;
}

/** Every iteration failed. */
export interface ErroredBenchmark extends BenchmarkResultBase {
  state: 'errored';
  error: string;
}

/** The time limit was reached; statistics cover the iterations finished before it. */
export interface TimedOutBenchmark extends BenchmarkResultBase {
  state: 'timed-out';
  timeoutMs: number;
  error: string;
}

/** The outcome of one benchmark run, a union on `state`. */
export type BenchmarkResult = CompletedBenchmark | ErroredBenchmark | TimedOutBenchmark;

/** One point of a benchmark's trend. */
export interface TrendPoint {
  timeMs: number;
  medianMs: number;
  avgMs: number;
  p95Ms: number;
  gitCommit?: string;
}

/** How one benchmark (name, component, environment) moved over the window. */
export interface BenchmarkTrend {
  name: string;
  component: string;
  environmentKey: string;
  /** Completed runs, oldest first. */
  points: TrendPoint[];
  /** Runs in the window that did not complete (errored or timed out). */
  failedRuns: number;
  /** Latest median against the first, %; positive is slower. NaN with fewer than two points. */
  changePercent: number;
  /** Least-squares slope of the median across runs, % of the mean median per run. NaN with fewer than two points. */
  slopePercentPerRun: number;
  /** `slower` / `faster` when the change exceeds the suite's minimum effect, else `flat`. */
  direction: 'slower' | 'faster' | 'flat' | 'unknown';
}
