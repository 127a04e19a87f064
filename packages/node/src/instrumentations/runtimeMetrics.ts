import { metrics, type BatchObservableResult, type Observable } from '@opentelemetry/api';
import {
  ATTR_V8JS_GC_TYPE,
  ATTR_V8JS_HEAP_SPACE_NAME,
  INSTRUMENTATION_SCOPE,
  METRIC_EVENT_LOOP_UTILIZATION,
  METRIC_V8_GC_DURATION,
  METRIC_V8JS_HEAP_LIMIT,
  METRIC_V8JS_HEAP_USED,
} from '@transcriber/instrumentation';
import { constants, performance, PerformanceObserver, type EventLoopUtilization } from 'node:perf_hooks';
import * as v8 from 'node:v8';

// GC pauses of a voice agent: sub-millisecond scavenges up to the rare long mark-compact.
const GC_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

const GC_TYPES: Record<number, { [ATTR_V8JS_GC_TYPE]: string }> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: { [ATTR_V8JS_GC_TYPE]: 'major' },
  [constants.NODE_PERFORMANCE_GC_MINOR]: { [ATTR_V8JS_GC_TYPE]: 'minor' },
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: { [ATTR_V8JS_GC_TYPE]: 'incremental' },
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: { [ATTR_V8JS_GC_TYPE]: 'weakcb' },
};

/**
 * Node.js runtime metrics the monitor's resource sampler does not take: every GC pause (from the
 * `gc` performance entries, a histogram by GC type), event-loop utilization since the previous
 * collection, and used and total bytes per V8 heap space. The gauges are read only when the SDK
 * collects; nothing runs between collections but the GC callback.
 */
export function startRuntimeMetrics(): { stop(): void } {
  const meter = metrics.getMeter(INSTRUMENTATION_SCOPE);
  const gcDuration = meter.createHistogram(METRIC_V8_GC_DURATION, {
    description: 'Garbage-collection pauses',
    unit: 's',
    advice: { explicitBucketBoundaries: GC_BUCKETS_S },
  });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      gcDuration.record(entry.duration / 1000, kind !== undefined ? GC_TYPES[kind] : undefined);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  const utilization = meter.createObservableGauge(METRIC_EVENT_LOOP_UTILIZATION, {
    description: 'Share of the time the event loop was busy since the previous collection',
    unit: '1',
  });
  const heapUsed = meter.createObservableGauge(METRIC_V8JS_HEAP_USED, {
    description: 'V8 heap space in use',
    unit: 'By',
  });
  const heapLimit = meter.createObservableGauge(METRIC_V8JS_HEAP_LIMIT, {
    description: 'V8 heap space size',
    unit: 'By',
  });
  const observables: Observable[] = [utilization, heapUsed, heapLimit];
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  const collect = (result: BatchObservableResult): void => {
    const now = performance.eventLoopUtilization();
    result.observe(utilization, performance.eventLoopUtilization(now, previous).utilization);
    previous = now;
    for (const space of v8.getHeapSpaceStatistics()) {
      const attributes = { [ATTR_V8JS_HEAP_SPACE_NAME]: space.space_name };
      result.observe(heapUsed, space.space_used_size, attributes);
      result.observe(heapLimit, space.space_size, attributes);
    }
  };
  meter.addBatchObservableCallback(collect, observables);
  return {
    stop() {
      observer.disconnect();
      meter.removeBatchObservableCallback(collect, observables);
    },
  };
}
