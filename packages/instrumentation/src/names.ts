/**
 * This project's semantic conventions: every attribute, instrument and event name we emit.
 * Instruments follow the OpenTelemetry naming rules (durations in seconds, unit `s`; counters
 * without a `.count`/`_total` suffix, which exporters add). People are shown milliseconds.
 */

/** Span and metric attribute: the pipeline stage (a {@link ComponentType} value). */
export const ATTR_COMPONENT = 'transcriber.component';
/** Span and metric attribute: the operation within the component, e.g. `transcribe`. */
export const ATTR_OPERATION = 'transcriber.operation';
/** Standard OTel attribute naming the class of a failure (the error's `name`). */
export const ATTR_ERROR_TYPE = 'error.type';

/** Histogram of operation durations, seconds. */
export const METRIC_OPERATION_DURATION = 'transcriber.operation.duration';
/** Counter of completed operations (successful or not). */
export const METRIC_OPERATIONS = 'transcriber.operations';
/** Counter of failed operations, with `error.type`. */
export const METRIC_OPERATION_ERRORS = 'transcriber.operation.errors';

/**
 * Bucket boundaries (seconds) for operation durations: voice pipelines live between a
 * millisecond (VAD frame) and tens of seconds (long LLM answers), with the interesting
 * decisions at 100 ms–1 s, so the buckets are denser there than the SDK's defaults.
 */
export const OPERATION_DURATION_BUCKETS_S: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 1.5, 2, 3, 5, 7.5, 10,
  20, 30, 60,
]);

// Resource gauges sampled by the monitor every `monitoringInterval`. Standard names where the
// OTel semantic conventions have one, ours where they do not.
/** Process CPU time over wall time since the last sample, all cores (1 = one core busy). */
export const METRIC_PROCESS_CPU_UTILIZATION = 'process.cpu.utilization';
/** Resident set size, bytes. */
export const METRIC_PROCESS_MEMORY_RSS = 'process.memory.usage';
/** V8 heap in use, bytes. */
export const METRIC_PROCESS_HEAP_USED = 'transcriber.process.heap.used';
/** V8 heap reserved (V8's heapTotal), bytes. Not `.total`: as a Prometheus gauge that reads as a counter. */
export const METRIC_PROCESS_HEAP_TOTAL = 'transcriber.process.heap.committed';
/** Memory of C++ objects bound to JS (Buffers included), bytes. */
export const METRIC_PROCESS_EXTERNAL = 'transcriber.process.memory.external';
/** Event-loop delay percentiles over the last interval, seconds. */
export const METRIC_EVENT_LOOP_DELAY_P50 = 'nodejs.eventloop.delay.p50';
export const METRIC_EVENT_LOOP_DELAY_P99 = 'nodejs.eventloop.delay.p99';
export const METRIC_EVENT_LOOP_DELAY_MAX = 'nodejs.eventloop.delay.max';
/** Whole-machine CPU utilisation (0–1). */
export const METRIC_SYSTEM_CPU_UTILIZATION = 'system.cpu.utilization';
/** Whole-machine memory in use and installed, bytes. */
export const METRIC_SYSTEM_MEMORY_USAGE = 'system.memory.usage';
export const METRIC_SYSTEM_MEMORY_LIMIT = 'system.memory.limit';

/** The resource gauges, in the order the snapshot table stores them. */
export const RESOURCE_GAUGES: readonly string[] = Object.freeze([
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_MEMORY_RSS,
  METRIC_PROCESS_HEAP_USED,
  METRIC_PROCESS_HEAP_TOTAL,
  METRIC_PROCESS_EXTERNAL,
  METRIC_EVENT_LOOP_DELAY_P50,
  METRIC_EVENT_LOOP_DELAY_P99,
  METRIC_EVENT_LOOP_DELAY_MAX,
  METRIC_SYSTEM_CPU_UTILIZATION,
  METRIC_SYSTEM_MEMORY_USAGE,
  METRIC_SYSTEM_MEMORY_LIMIT,
]);

// The optimizer's model cache (`ModelCache`): one set of instruments, caches told apart by name.
/** Metric attribute: the name a `ModelCache` was given. */
export const ATTR_CACHE_NAME = 'transcriber.cache.name';
/** Metric attribute: why entries left a cache (`capacity`, `oversize`, `purge`). */
export const ATTR_CACHE_EVICTION_REASON = 'transcriber.cache.eviction_reason';
/** Counter of cache requests served without starting a load (cached, or joining a load in flight). */
export const METRIC_MODEL_CACHE_HITS = 'transcriber.model_cache.hits';
/** Counter of cache requests that started a load. */
export const METRIC_MODEL_CACHE_MISSES = 'transcriber.model_cache.misses';
/** Counter of entries removed from a cache, with the reason. */
export const METRIC_MODEL_CACHE_EVICTIONS = 'transcriber.model_cache.evictions';
/** Histogram of model load durations, seconds (failed loads carry `error.type`). */
export const METRIC_MODEL_CACHE_LOAD_DURATION = 'transcriber.model_cache.load.duration';

/**
 * V8 garbage-collection pauses, seconds: the OTel semantic-conventions name, recorded for example by
 * `@opentelemetry/instrumentation-runtime-node`. The optimizer reads it when it is there.
 */
export const METRIC_V8_GC_DURATION = 'v8js.gc.duration';

/** Instrumentation scope of everything this project records. */
export const INSTRUMENTATION_SCOPE = '@transcriber/instrumentation';
