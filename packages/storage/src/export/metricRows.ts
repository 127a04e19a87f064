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
} from '@transcriber/instrumentation/names';
import { attributesJson } from '../write/json';
import type { MetricBatch } from '../write/performanceBatch';
import { resourceJson } from '../write/resourceIds';
import { hrTimeToMicros } from '../write/time';

const COLUMN_ATTRIBUTES = [ATTR_COMPONENT, ATTR_OPERATION];
const RESOURCE_GAUGE_NAMES = new Set(RESOURCE_GAUGES);

/**
 * One collection of metrics as rows: the monitor's resource gauges become one `resource_snapshots`
 * row per resource (process); every other data point becomes a `metric_points` row.
 */
export function metricBatch(resourceMetrics: ResourceMetrics): MetricBatch {
  let rows = 0;
  const points: unknown[] = [];
  const gauges = new Map<string, { value: number; timeUs: number }>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      rows += metric.dataPoints.length;
      if (RESOURCE_GAUGE_NAMES.has(metric.descriptor.name)) collectGauge(metric, gauges);
      else pushPoints(points, metric, scope.scope.name);
    }
  }
  return {
    kind: 'metrics',
    rows,
    resource: resourceJson(resourceMetrics.resource),
    points,
    snapshot: gauges.size > 0 ? snapshotRow(gauges, resourceMetrics) : null,
  };
}

function pushPoints(points: unknown[], metric: MetricData, scope: string): void {
  const { name, unit } = metric.descriptor;
  for (const point of metric.dataPoints) {
    points.push(
      name,
      unit || null,
      kindOf(metric.dataPointType),
      stringAttribute(point.attributes, ATTR_COMPONENT),
      stringAttribute(point.attributes, ATTR_OPERATION),
      hrTimeToMicros(point.startTime),
      hrTimeToMicros(point.endTime),
    );
    const value = point.value as unknown;
    if (metric.dataPointType === DataPointType.HISTOGRAM) {
      const h = value as {
        count: number;
        sum?: number;
        min?: number;
        max?: number;
        buckets: { boundaries: number[]; counts: number[] };
      };
      points.push(
        null,
        h.count,
        h.sum ?? null,
        h.min ?? null,
        h.max ?? null,
        JSON.stringify(h.buckets.boundaries),
        JSON.stringify(h.buckets.counts),
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
      points.push(
        null,
        h.count,
        h.sum ?? null,
        h.min ?? null,
        h.max ?? null,
        JSON.stringify({ scale: h.scale, zeroCount: h.zeroCount }),
        JSON.stringify({ positive: h.positive, negative: h.negative }),
      );
    } else {
      points.push(value as number, null, null, null, null, null, null);
    }
    points.push(attributesJson(point.attributes, COLUMN_ATTRIBUTES), scope);
  }
}

function collectGauge(metric: MetricData, into: Map<string, { value: number; timeUs: number }>): void {
  for (const point of metric.dataPoints) {
    if (typeof point.value !== 'number') continue;
    into.set(metric.descriptor.name, { value: point.value, timeUs: hrTimeToMicros(point.endTime) });
  }
}

/** The `resource_snapshots` row of the gauges, without its resource id. */
function snapshotRow(
  gauges: Map<string, { value: number; timeUs: number }>,
  resourceMetrics: ResourceMetrics,
): unknown[] {
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
  return [
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
  ];
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
