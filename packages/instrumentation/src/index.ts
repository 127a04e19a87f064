export { ComponentType, COMPONENT_TYPES, isComponentType } from './componentType';
export {
  ATTR_COMPONENT,
  ATTR_OPERATION,
  ATTR_ERROR_TYPE,
  METRIC_OPERATION_DURATION,
  METRIC_OPERATIONS,
  METRIC_OPERATION_ERRORS,
  OPERATION_DURATION_BUCKETS_S,
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
  RESOURCE_GAUGES,
  ATTR_CACHE_NAME,
  ATTR_CACHE_EVICTION_REASON,
  METRIC_MODEL_CACHE_HITS,
  METRIC_MODEL_CACHE_MISSES,
  METRIC_MODEL_CACHE_EVICTIONS,
  METRIC_MODEL_CACHE_LOAD_DURATION,
  METRIC_V8_GC_DURATION,
  INSTRUMENTATION_SCOPE,
} from './names';
export {
  EVENT_PROFILE_RESULT,
  EVENT_BENCHMARK_RESULT,
  EVENT_OPTIMIZATION_ACTION,
  EVENT_OPTIMIZATION_RECOMMENDATION,
  EVENT_DATABASES,
  EVENT_ATTR,
  PROFILE_ATTR,
  BENCHMARK_ATTR,
  OPTIMIZATION_ATTR,
} from './events';
export type { EventDatabase } from './events';
export { timeOperation } from './timeOperation';
export { OperationHandle } from './operationHandle';
export { monitorComponentPerformance } from './monitorComponentPerformance';
export type { MonitorOptions } from './monitorComponentPerformance';
export { setOperationProfiler, getOperationProfiler } from './operationProfiler';
export type { OperationProfiler } from './operationProfiler';
export { errorTypeOf } from './errorType';
