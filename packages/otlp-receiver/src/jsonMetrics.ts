import type { Attributes } from '@opentelemetry/api';
import { emptyResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  DataPointType,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { readJsonAttributes, readJsonResourceAttributes, readJsonScope } from './jsonCommon';
import {
  arrayAt,
  boolAt,
  doubleAt,
  eachOf,
  enumAt,
  fieldOf,
  int64At,
  objectAt,
  optionalDoubleAt,
  parseJsonBody,
  stringAt,
  unsignedAt,
  type JsonObject,
} from './jsonFields';
import {
  AGGREGATION_TEMPORALITIES,
  dataPoint,
  hasNoRecordedValue,
  metricDataOf,
  newMetricDraft,
  type MetricDraft,
  type PointValue,
} from './metricShapes';
import type { DecodedMetrics } from './protobufMetrics';
import type { Rejections } from './rejections';
import { jsonNanosToHrTime } from './unixNanos';
import type { ValueLimits } from './valueLimits';

/** The `data` oneof of Metric: JSON name, proto name, and the point type it holds. */
const DATA_MEMBERS: readonly [string, string, MetricDraft['type']][] = [
  ['gauge', 'gauge', DataPointType.GAUGE],
  ['sum', 'sum', DataPointType.SUM],
  ['histogram', 'histogram', DataPointType.HISTOGRAM],
  ['exponentialHistogram', 'exponential_histogram', DataPointType.EXPONENTIAL_HISTOGRAM],
  ['summary', 'summary', 'summary'],
];

/**
 * Decodes an `ExportMetricsServiceRequest` in OTLP/JSON into the SDK's ResourceMetrics, ready for
 * SqliteMetricExporter. Points that cannot be stored are counted in `rejections`; a malformed body
 * throws OtlpDecodeError.
 */
export function decodeMetricsRequestJson(body: Buffer, rejections: Rejections, limits: ValueLimits): DecodedMetrics {
  const request = parseJsonBody(body);
  const decoded: DecodedMetrics = { resourceMetrics: [], points: 0 };
  eachOf(fieldOf(request, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics', (element) => {
    const resourceMetrics = objectAt(element, 'ResourceMetrics') ?? {};
    const scopeMetrics: ScopeMetrics[] = [];
    eachOf(fieldOf(resourceMetrics, 'scopeMetrics', 'scope_metrics'), 'scopeMetrics', (element) => {
      const json = objectAt(element, 'ScopeMetrics') ?? {};
      const metrics: MetricData[] = [];
      eachOf(json.metrics, 'metrics', (element) => {
        const metric = metricDataOf(readMetric(objectAt(element, 'Metric') ?? {}, limits), rejections);
        if (metric !== undefined) metrics.push(metric);
      });
      if (metrics.length > 0) scopeMetrics.push({ scope: readJsonScope(json.scope), metrics });
    });
    if (scopeMetrics.length === 0) return;
    const attributes = readJsonResourceAttributes(resourceMetrics.resource, limits);
    const resource =
      Object.keys(attributes).length === 0 ? emptyResource() : resourceFromAttributes(attributes as Attributes);
    decoded.resourceMetrics.push({ resource, scopeMetrics });
    for (const scope of scopeMetrics) for (const metric of scope.metrics) decoded.points += metric.dataPoints.length;
  });
  return decoded;
}

function readMetric(json: JsonObject, limits: ValueLimits): MetricDraft {
  const draft = newMetricDraft();
  draft.name = stringAt(json.name, 'name');
  draft.description = stringAt(json.description, 'description');
  draft.unit = stringAt(json.unit, 'unit');
  for (const [jsonName, protoName, type] of DATA_MEMBERS) {
    const data = objectAt(fieldOf(json, jsonName, protoName), jsonName);
    if (data === undefined) continue;
    // The `data` oneof: a later member replaces an earlier one.
    draft.type = type;
    draft.points = [];
    draft.temporality = enumAt(
      fieldOf(data, 'aggregationTemporality', 'aggregation_temporality'),
      AGGREGATION_TEMPORALITIES,
      `${jsonName}.aggregationTemporality`,
    );
    draft.isMonotonic = boolAt(fieldOf(data, 'isMonotonic', 'is_monotonic'), `${jsonName}.isMonotonic`);
    const points = fieldOf(data, 'dataPoints', 'data_points');
    if (type === 'summary') {
      draft.summaryPoints = arrayAt(points, 'summary.dataPoints').length;
    } else {
      eachOf(points, `${jsonName}.dataPoints`, (element) =>
        readPoint(objectAt(element, 'DataPoint') ?? {}, draft, limits),
      );
    }
  }
  return draft;
}

function readPoint(json: JsonObject, draft: MetricDraft, limits: ValueLimits): void {
  if (hasNoRecordedValue(unsignedAt(json.flags, 'flags'))) return;
  const attributes: Record<string, unknown> = {};
  readJsonAttributes(json.attributes, 'attributes', attributes, 'base64', limits);
  const start = jsonNanosToHrTime(fieldOf(json, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');
  const time = jsonNanosToHrTime(fieldOf(json, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano');
  let value: PointValue;
  if (draft.type === DataPointType.HISTOGRAM) {
    value = {
      count: unsignedAt(json.count, 'count'),
      sum: optionalDoubleAt(json.sum, 'sum'),
      min: optionalDoubleAt(json.min, 'min'),
      max: optionalDoubleAt(json.max, 'max'),
      buckets: {
        boundaries: arrayAt(fieldOf(json, 'explicitBounds', 'explicit_bounds'), 'explicitBounds').map((b) =>
          doubleAt(b, 'explicitBounds'),
        ),
        counts: arrayAt(fieldOf(json, 'bucketCounts', 'bucket_counts'), 'bucketCounts').map((c) =>
          unsignedAt(c, 'bucketCounts'),
        ),
      },
    } satisfies Histogram;
  } else if (draft.type === DataPointType.EXPONENTIAL_HISTOGRAM) {
    value = {
      count: unsignedAt(json.count, 'count'),
      sum: optionalDoubleAt(json.sum, 'sum'),
      min: optionalDoubleAt(json.min, 'min'),
      max: optionalDoubleAt(json.max, 'max'),
      scale: Number(int64At(json.scale, 'scale')),
      zeroCount: unsignedAt(fieldOf(json, 'zeroCount', 'zero_count'), 'zeroCount'),
      positive: readBuckets(json.positive, 'positive'),
      negative: readBuckets(json.negative, 'negative'),
    } satisfies ExponentialHistogram;
  } else {
    const asInt = fieldOf(json, 'asInt', 'as_int');
    if (asInt !== undefined) {
      value = Number(int64At(asInt, 'asInt'));
      draft.integer = true;
    } else {
      value = doubleAt(fieldOf(json, 'asDouble', 'as_double'), 'asDouble');
    }
  }
  draft.points.push(dataPoint(attributes as Attributes, start, time, value));
}

function readBuckets(value: unknown, what: string): { offset: number; bucketCounts: number[] } {
  const buckets = objectAt(value, what) ?? {};
  return {
    offset: Number(int64At(buckets.offset, `${what}.offset`)),
    bucketCounts: arrayAt(fieldOf(buckets, 'bucketCounts', 'bucket_counts'), `${what}.bucketCounts`).map((c) =>
      unsignedAt(c, `${what}.bucketCounts`),
    ),
  };
}
