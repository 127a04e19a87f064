/**
 * Events (OTel log records with an event name) that the profiler, benchmarks and optimizer emit.
 * The SQLite exporter routes each by name to its database; a Collector can receive them as logs.
 * Attribute keys are listed with each event so emitters and the exporter share one definition.
 */

/** A finished profile of one operation or of a whole-process window → `profile_results.db`. */
export const EVENT_PROFILE_RESULT = 'transcriber.profile.result';
/** One benchmark run with its statistics and samples → `benchmark_results.db`. */
export const EVENT_BENCHMARK_RESULT = 'transcriber.benchmark.result';
/** An optimization that was carried out, with before/after measurements → `optimization_logs.db`. */
export const EVENT_OPTIMIZATION_ACTION = 'transcriber.optimization.action';
/** A recommendation derived from recorded data → `optimization_logs.db`. */
export const EVENT_OPTIMIZATION_RECOMMENDATION = 'transcriber.optimization.recommendation';

/** Attribute keys shared by all our events. Component and operation use the span keys. */
export const EVENT_ATTR = Object.freeze({
  COMPONENT: 'transcriber.component',
  OPERATION: 'transcriber.operation',
  /** Free-form JSON object (as a string) with details an event kind does not have a column for. */
  DETAILS: 'transcriber.details',
});

/** Attribute keys of {@link EVENT_PROFILE_RESULT}. */
export const PROFILE_ATTR = Object.freeze({
  DURATION_MS: 'transcriber.profile.duration_ms',
  SAMPLE_COUNT: 'transcriber.profile.sample_count',
  /** JSON array of hot spots: function, file, line, self/total ms, share. */
  TOP_FUNCTIONS: 'transcriber.profile.top_functions',
  /** JSON array of caller → callee edges with weights. */
  CALL_GRAPH: 'transcriber.profile.call_graph',
  /** JSON object: heap before/after, allocation hot spots, leak verdict. */
  MEMORY: 'transcriber.profile.memory',
  LEAK_SUSPECTED: 'transcriber.profile.leak_suspected',
  CPU_PROFILE_PATH: 'transcriber.profile.cpuprofile_path',
  HEAP_PROFILE_PATH: 'transcriber.profile.heapprofile_path',
  /** `operation` (one profiled operation) or `process` (a whole-process window). */
  KIND: 'transcriber.profile.kind',
  /** CPU time the attributed samples stand for, ms. */
  CPU_MS: 'transcriber.profile.cpu_ms',
  /** JSON array, whole-process profiles: CPU per component with its operations and hot spots. */
  COMPONENTS: 'transcriber.profile.components',
});

/** Attribute keys of {@link EVENT_BENCHMARK_RESULT}. */
export const BENCHMARK_ATTR = Object.freeze({
  NAME: 'transcriber.benchmark.name',
  /** How the run ended: `completed`, `errored` (every iteration failed) or `timed-out`. */
  STATE: 'transcriber.benchmark.state',
  ITERATIONS: 'transcriber.benchmark.iterations',
  TOTAL_MS: 'transcriber.benchmark.total_ms',
  AVG_MS: 'transcriber.benchmark.avg_ms',
  MIN_MS: 'transcriber.benchmark.min_ms',
  MAX_MS: 'transcriber.benchmark.max_ms',
  MEDIAN_MS: 'transcriber.benchmark.median_ms',
  STDDEV_MS: 'transcriber.benchmark.stddev_ms',
  P95_MS: 'transcriber.benchmark.p95_ms',
  P99_MS: 'transcriber.benchmark.p99_ms',
  MARGIN_OF_ERROR_MS: 'transcriber.benchmark.margin_of_error_ms',
  THROUGHPUT_PER_SEC: 'transcriber.benchmark.throughput_per_sec',
  SUCCESS_RATE: 'transcriber.benchmark.success_rate',
  /** Per-iteration durations in ms, little-endian float64, as bytes. */
  SAMPLES: 'transcriber.benchmark.samples',
  /** JSON object: Node version, CPU model, cores, git commit. */
  ENVIRONMENT: 'transcriber.benchmark.environment',
  /** Stable hash of the environment, so history compares like with like. */
  ENVIRONMENT_KEY: 'transcriber.benchmark.environment_key',
  /** JSON object given by the user. */
  METADATA: 'transcriber.benchmark.metadata',
  /** JSON array of failures: error type and count. */
  FAILURES: 'transcriber.benchmark.failures',
});

/** Attribute keys of {@link EVENT_OPTIMIZATION_ACTION} and {@link EVENT_OPTIMIZATION_RECOMMENDATION}. */
export const OPTIMIZATION_ATTR = Object.freeze({
  KIND: 'transcriber.optimization.kind',
  DESCRIPTION: 'transcriber.optimization.description',
  /** JSON object of what was measured before. */
  BEFORE: 'transcriber.optimization.before',
  /** JSON object of what was measured after. */
  AFTER: 'transcriber.optimization.after',
  /** Measured or derived improvement as a human-readable figure, e.g. "-38% p95 latency". */
  IMPROVEMENT: 'transcriber.optimization.improvement',
  /** Whether the figure was `measured` or `derived` from recorded data, or a `heuristic`. */
  IMPROVEMENT_BASIS: 'transcriber.optimization.improvement_basis',
  SUCCESS: 'transcriber.optimization.success',
  RECOMMENDATION_ID: 'transcriber.optimization.recommendation_id',
  PRIORITY: 'transcriber.optimization.priority',
  /** JSON object: the recorded figures the recommendation rests on. */
  EVIDENCE: 'transcriber.optimization.evidence',
});
