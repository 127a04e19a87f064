import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  ATTR_COMPONENT,
  ATTR_OPERATION,
  METRIC_EVENT_LOOP_DELAY_MAX,
  METRIC_EVENT_LOOP_DELAY_P50,
  METRIC_EVENT_LOOP_DELAY_P99,
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_EXTERNAL,
  METRIC_PROCESS_HEAP_TOTAL,
  METRIC_PROCESS_HEAP_USED,
  METRIC_PROCESS_MEMORY_RSS,
  METRIC_SYSTEM_CPU_UTILIZATION,
  METRIC_SYSTEM_MEMORY_LIMIT,
  METRIC_SYSTEM_MEMORY_USAGE,
  RESOURCE_GAUGES,
} from '@transcriber/instrumentation';
import type { WriteWork } from '../write/databaseWriter';
import { attributesJson } from '../write/json';
import type { PerformanceStatements } from '../write/performanceStatements';
import { hrTimeToMicros } from '../write/time';

const COLUMN_ATTRIBUTES = [ATTR_COMPONENT, ATTR_OPERATION];
const RESOURCE_GAUGE_NAMES = new Set(RESOURCE_GAUGES);

/**
 * Writes one collection of metrics: the monitor's resource gauges become one `resource_snapshots`
 * row per resource (process); every other data point becomes a `metric_points` row.
 */
export function metricWork(resourceMetrics: ResourceMetrics): WriteWork<PerformanceStatements> {
  let rows = 0;
  for (const scope of resourceMetrics.scopeMetrics)
    for (const metric of scope.metrics) rows += metric.dataPoints.length;
  return {
    rows,
    apply(statements) {
      const resourceId = statements.resources.idOf(resourceMetrics.resource);
      const gauges = new Map<string, { value: number; timeUs: number }>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (RESOURCE_GAUGE_NAMES.has(metric.descriptor.name)) {
            collectGauge(metric, gauges);
          } else {
            insertPoints(statements, metric, scope.scope.name, resourceId);
          }
        }
      }
      if (gauges.size > 0) insertSnapshot(statements, gauges, resourceMetrics, resourceId);
    },
  };
}

function insertPoints(statements: PerformanceStatements, metric: MetricData, scope: string, resourceId: number): void {
  const { name, unit } = metric.descriptor;
  for (const point of metric.dataPoints) {
    const base = [
      name,
      unit || null,
      kindOf(metric.dataPointType),
      stringAttribute(point.attributes, ATTR_COMPONENT),
      stringAttribute(point.attributes, ATTR_OPERATION),
      hrTimeToMicros(point.startTime),
      hrTimeToMicros(point.endTime),
    ];
    const rest = [attributesJson(point.attributes, COLUMN_ATTRIBUTES), scope, resourceId];
    const value = point.value as unknown;
    if (metric.dataPointType === DataPointType.HISTOGRAM) {
      const h = value as {
        count: number;
        sum?: number;
        min?: number;
        max?: number;
        buckets: { boundaries: number[]; counts: number[] };
      };
      statements.insertMetricPoint.run(
        ...base,
        null,
        h.count,
        h.sum ?? null,
        h.min ?? null,
        h.max ?? null,
        JSON.stringify(h.buckets.boundaries),
        JSON.stringify(h.buckets.counts),
        ...rest,
      );
    } else if (metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM) {
      const h = value as {
        count: number;
        sum?: number;
        min?: number;
        max?: number;
        scale: number;
        zeroCount: number;
        positive: unknown;
        negative: unknown;
      };
      statements.insertMetricPoint.run(
        ...base,
        null,
        h.count,
        h.sum ?? null,
        h.min ?? null,
        h.max ?? null,
        JSON.stringify({ scale: h.scale, zeroCount: h.zeroCount }),
        JSON.stringify({ positive: h.positive, negative: h.negative }),
        ...rest,
      );
    } else {
      statements.insertMetricPoint.run(...base, value as number, null, null, null, null, null, null, ...rest);
    }
  }
}

function collectGauge(metric: MetricData, into: Map<string, { value: number; timeUs: number }>): void {
  for (const point of metric.dataPoints) {
    if (typeof point.value !== 'number') continue;
    into.set(metric.descriptor.name, { value: point.value, timeUs: hrTimeToMicros(point.endTime) });
  }
}

function insertSnapshot(
  statements: PerformanceStatements,
  gauges: Map<string, { value: number; timeUs: number }>,
  resourceMetrics: ResourceMetrics,
  resourceId: number,
): void {
  const v = (name: string) => gauges.get(name)?.value ?? null;
  const ms = (name: string) => {
    const seconds = v(name);
    return seconds === null ? null : seconds * 1000;
  };
  const int = (name: string) => {
    const value = v(name);
    return value === null ? null : Math.round(value);
  };
  const timeUs = Math.max(...[...gauges.values()].map((g) => g.timeUs));
  const pid = resourceMetrics.resource.attributes['process.pid'];
  statements.insertResourceSnapshot.run(
    timeUs,
    typeof pid === 'number' ? pid : null,
    v(METRIC_PROCESS_CPU_UTILIZATION),
    int(METRIC_PROCESS_MEMORY_RSS),
    int(METRIC_PROCESS_HEAP_USED),
    int(METRIC_PROCESS_HEAP_TOTAL),
    int(METRIC_PROCESS_EXTERNAL),
    ms(METRIC_EVENT_LOOP_DELAY_P50),
    ms(METRIC_EVENT_LOOP_DELAY_P99),
    ms(METRIC_EVENT_LOOP_DELAY_MAX),
    v(METRIC_SYSTEM_CPU_UTILIZATION),
    int(METRIC_SYSTEM_MEMORY_USAGE),
    int(METRIC_SYSTEM_MEMORY_LIMIT),
    resourceId,
  );
}

function kindOf(type: DataPointType): string {
  switch (type) {
    case DataPointType.HISTOGRAM:
      return 'histogram';
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      return 'exponential_histogram';
    case DataPointType.SUM:
      return 'sum';
    default:
      return 'gauge';
  }
}

function stringAttribute(attributes: Attributes, key: string): string | null {
  const value = attributes[key];
  return typeof value === 'string' ? value : null;
}
