import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ATTR_COMPONENT, ATTR_OPERATION, RESOURCE_GAUGES } from '@transcriber/instrumentation/names';
import { attributesJson } from '../write/json';
import type { MetricBatch } from '../write/performanceBatch';
import { resourceJson } from '../write/resourceIds';
import { hrTimeToMicros } from '../write/time';
import { resourceSnapshotRow } from './resourceSnapshotRow';

const COLUMN_ATTRIBUTES = [ATTR_COMPONENT, ATTR_OPERATION];
const RESOURCE_GAUGE_NAMES = new Set(RESOURCE_GAUGES);

/**
 * One collection of metrics as rows: the monitor's resource gauges become one `resource_snapshots`
 * row per resource (process), or are left out with `resourceSnapshots: false` (a process whose
 * monitor writes its samples itself, at its own interval); every other data point becomes a
 * `metric_points` row.
 */
export function metricBatch(resourceMetrics: ResourceMetrics, resourceSnapshots = true): MetricBatch {
  let rows = 0;
  const points: unknown[] = [];
  const gauges = new Map<string, { value: number; timeUs: number }>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (RESOURCE_GAUGE_NAMES.has(metric.descriptor.name)) {
        if (!resourceSnapshots) continue;
        rows += metric.dataPoints.length;
        collectGauge(metric, gauges);
      } else {
        rows += metric.dataPoints.length;
        pushPoints(points, metric, scope.scope.name);
      }
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
  const values = Object.fromEntries([...gauges].map(([name, gauge]) => [name, gauge.value]));
  const timeUs = Math.max(...[...gauges.values()].map((g) => g.timeUs));
  const pid = resourceMetrics.resource.attributes['process.pid'];
  return resourceSnapshotRow(values, timeUs, typeof pid === 'number' ? pid : null);
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
