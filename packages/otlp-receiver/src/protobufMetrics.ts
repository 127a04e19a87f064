import type { Attributes, HrTime } from '@opentelemetry/api';
import { emptyResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  DataPointType,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { dataPoint, hasNoRecordedValue, metricDataOf, newMetricDraft, type MetricDraft } from './metricShapes';
import { readKeyValue, readResourceAttributes, readScope } from './protobufCommon';
import { NO_SCOPE } from './protobufEnvelope';
import { fieldMask, ProtobufReader, tagOf, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobufReader';
import type { Rejections } from './rejections';
import { nanosToHrTime } from './unixNanos';
import type { ValueLimits } from './valueLimits';

// Field numbers of opentelemetry-proto collector/metrics/v1 and metrics/v1.
const REQUEST_RESOURCE_METRICS = tagOf(1, WIRE_LENGTH_DELIMITED);
const RESOURCE_METRICS_RESOURCE = tagOf(1, WIRE_LENGTH_DELIMITED);
const RESOURCE_METRICS_SCOPE_METRICS = tagOf(2, WIRE_LENGTH_DELIMITED);
const RESOURCE_METRICS_LEGACY = tagOf(1000, WIRE_LENGTH_DELIMITED);
const SCOPE_METRICS_SCOPE = tagOf(1, WIRE_LENGTH_DELIMITED);
const SCOPE_METRICS_METRICS = tagOf(2, WIRE_LENGTH_DELIMITED);

const METRIC_NAME = tagOf(1, WIRE_LENGTH_DELIMITED);
const METRIC_DESCRIPTION = tagOf(2, WIRE_LENGTH_DELIMITED);
const METRIC_UNIT = tagOf(3, WIRE_LENGTH_DELIMITED);
const METRIC_GAUGE = tagOf(5, WIRE_LENGTH_DELIMITED);
const METRIC_SUM = tagOf(7, WIRE_LENGTH_DELIMITED);
const METRIC_HISTOGRAM = tagOf(9, WIRE_LENGTH_DELIMITED);
const METRIC_EXPONENTIAL_HISTOGRAM = tagOf(10, WIRE_LENGTH_DELIMITED);
const METRIC_SUMMARY = tagOf(11, WIRE_LENGTH_DELIMITED);

// Gauge, Sum, Histogram, ExponentialHistogram and Summary share these numbers.
const DATA_POINTS = tagOf(1, WIRE_LENGTH_DELIMITED);
const DATA_TEMPORALITY = tagOf(2, WIRE_VARINT);
const SUM_IS_MONOTONIC = tagOf(3, WIRE_VARINT);

const NUMBER_START = tagOf(2, WIRE_FIXED64);
const NUMBER_TIME = tagOf(3, WIRE_FIXED64);
const NUMBER_AS_DOUBLE = tagOf(4, WIRE_FIXED64);
const NUMBER_AS_INT = tagOf(6, WIRE_FIXED64);
const NUMBER_ATTRIBUTES = tagOf(7, WIRE_LENGTH_DELIMITED);
const NUMBER_FLAGS = tagOf(8, WIRE_VARINT);

const HISTOGRAM_START = tagOf(2, WIRE_FIXED64);
const HISTOGRAM_TIME = tagOf(3, WIRE_FIXED64);
const HISTOGRAM_COUNT = tagOf(4, WIRE_FIXED64);
const HISTOGRAM_SUM = tagOf(5, WIRE_FIXED64);
const HISTOGRAM_BUCKET_COUNTS_PACKED = tagOf(6, WIRE_LENGTH_DELIMITED);
const HISTOGRAM_BUCKET_COUNT = tagOf(6, WIRE_FIXED64);
const HISTOGRAM_BOUNDS_PACKED = tagOf(7, WIRE_LENGTH_DELIMITED);
const HISTOGRAM_BOUND = tagOf(7, WIRE_FIXED64);
const HISTOGRAM_ATTRIBUTES = tagOf(9, WIRE_LENGTH_DELIMITED);
const HISTOGRAM_FLAGS = tagOf(10, WIRE_VARINT);
const HISTOGRAM_MIN = tagOf(11, WIRE_FIXED64);
const HISTOGRAM_MAX = tagOf(12, WIRE_FIXED64);

const EXPONENTIAL_ATTRIBUTES = tagOf(1, WIRE_LENGTH_DELIMITED);
const EXPONENTIAL_START = tagOf(2, WIRE_FIXED64);
const EXPONENTIAL_TIME = tagOf(3, WIRE_FIXED64);
const EXPONENTIAL_COUNT = tagOf(4, WIRE_FIXED64);
const EXPONENTIAL_SUM = tagOf(5, WIRE_FIXED64);
const EXPONENTIAL_SCALE = tagOf(6, WIRE_VARINT);
const EXPONENTIAL_ZERO_COUNT = tagOf(7, WIRE_FIXED64);
const EXPONENTIAL_POSITIVE = tagOf(8, WIRE_LENGTH_DELIMITED);
const EXPONENTIAL_NEGATIVE = tagOf(9, WIRE_LENGTH_DELIMITED);
const EXPONENTIAL_FLAGS = tagOf(10, WIRE_VARINT);
const EXPONENTIAL_MIN = tagOf(12, WIRE_FIXED64);
const EXPONENTIAL_MAX = tagOf(13, WIRE_FIXED64);

const BUCKETS_OFFSET = tagOf(1, WIRE_VARINT);
const BUCKETS_COUNTS_PACKED = tagOf(2, WIRE_LENGTH_DELIMITED);
const BUCKETS_COUNT = tagOf(2, WIRE_VARINT);

const REQUEST_FIELDS = fieldMask(1);
const RESOURCE_METRICS_FIELDS = fieldMask(1, 2);
const SCOPE_METRICS_FIELDS = fieldMask(1, 2);
const METRIC_FIELDS = fieldMask(1, 2, 3, 5, 7, 9, 10, 11);
const DATA_FIELDS = fieldMask(1, 2, 3);
const NUMBER_FIELDS = fieldMask(2, 3, 4, 6, 7, 8);
const HISTOGRAM_FIELDS = fieldMask(2, 3, 4, 5, 6, 7, 9, 10, 11, 12);
const EXPONENTIAL_FIELDS = fieldMask(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13);
const BUCKETS_FIELDS = fieldMask(1, 2);

const EPOCH: HrTime = [0, 0];

/** Decoded metrics and the number of data points they hold. */
export interface DecodedMetrics {
  resourceMetrics: ResourceMetrics[];
  points: number;
}

/**
 * Decodes an `ExportMetricsServiceRequest` in the protobuf encoding into the SDK's ResourceMetrics,
 * ready for SqliteMetricExporter. Points that cannot be stored are counted in `rejections`; a
 * malformed body throws OtlpDecodeError.
 */
export function decodeMetricsRequestProtobuf(
  body: Buffer,
  rejections: Rejections,
  limits: ValueLimits,
): DecodedMetrics {
  const r = new ProtobufReader(body, limits);
  const decoded: DecodedMetrics = { resourceMetrics: [], points: 0 };
  while (r.more) {
    const tag = r.uint32();
    if (tag === REQUEST_RESOURCE_METRICS) readResourceMetrics(r, decoded, rejections);
    else r.skip(tag, REQUEST_FIELDS, 'ExportMetricsServiceRequest');
  }
  return decoded;
}

function readResourceMetrics(r: ProtobufReader, decoded: DecodedMetrics, rejections: Rejections): void {
  const outer = r.enter();
  const scopeMetrics: ScopeMetrics[] = [];
  let attributes: Record<string, unknown> | undefined;
  while (r.more) {
    const tag = r.uint32();
    if (tag === RESOURCE_METRICS_SCOPE_METRICS) {
      const scope = readScopeMetrics(r, rejections);
      if (scope.metrics.length > 0) scopeMetrics.push(scope);
    } else if (tag === RESOURCE_METRICS_RESOURCE) {
      attributes = readResourceAttributes(r);
    } else if (tag === RESOURCE_METRICS_LEGACY) {
      r.fail('instrumentation_library_metrics (OTLP before 0.15) is not supported; update the sender');
    } else {
      r.skip(tag, RESOURCE_METRICS_FIELDS, 'ResourceMetrics');
    }
  }
  r.leave(outer);
  if (scopeMetrics.length === 0) return;
  const resource = attributes === undefined ? emptyResource() : resourceFromAttributes(attributes as Attributes);
  decoded.resourceMetrics.push({ resource, scopeMetrics });
  for (const scope of scopeMetrics) for (const metric of scope.metrics) decoded.points += metric.dataPoints.length;
}

function readScopeMetrics(r: ProtobufReader, rejections: Rejections): ScopeMetrics {
  const outer = r.enter();
  const metrics: MetricData[] = [];
  let scope = NO_SCOPE;
  while (r.more) {
    const tag = r.uint32();
    if (tag === SCOPE_METRICS_METRICS) {
      const metric = metricDataOf(readMetric(r), rejections);
      if (metric !== undefined) metrics.push(metric);
    } else if (tag === SCOPE_METRICS_SCOPE) {
      scope = readScope(r);
    } else {
      r.skip(tag, SCOPE_METRICS_FIELDS, 'ScopeMetrics');
    }
  }
  r.leave(outer);
  return { scope, metrics };
}

function readMetric(r: ProtobufReader): MetricDraft {
  const outer = r.enter();
  const draft = newMetricDraft();
  while (r.more) {
    const tag = r.uint32();
    switch (tag) {
      case METRIC_NAME:
        draft.name = r.string();
        break;
      case METRIC_DESCRIPTION:
        draft.description = r.string();
        break;
      case METRIC_UNIT:
        draft.unit = r.string();
        break;
      case METRIC_GAUGE:
        readData(r, draft, DataPointType.GAUGE);
        break;
      case METRIC_SUM:
        readData(r, draft, DataPointType.SUM);
        break;
      case METRIC_HISTOGRAM:
        readData(r, draft, DataPointType.HISTOGRAM);
        break;
      case METRIC_EXPONENTIAL_HISTOGRAM:
        readData(r, draft, DataPointType.EXPONENTIAL_HISTOGRAM);
        break;
      case METRIC_SUMMARY:
        readData(r, draft, 'summary');
        break;
      default:
        r.skip(tag, METRIC_FIELDS, 'Metric');
    }
  }
  r.leave(outer);
  return draft;
}

/** Reads a Gauge, Sum, Histogram, ExponentialHistogram or Summary message into the draft. */
function readData(r: ProtobufReader, draft: MetricDraft, type: MetricDraft['type']): void {
  const outer = r.enter();
  // The `data` oneof: a later member replaces an earlier one, as in any proto3 parser.
  draft.type = type;
  draft.points = [];
  draft.summaryPoints = 0;
  while (r.more) {
    const tag = r.uint32();
    if (tag === DATA_POINTS) readPoint(r, draft);
    else if (tag === DATA_TEMPORALITY) draft.temporality = r.uint32();
    else if (tag === SUM_IS_MONOTONIC) draft.isMonotonic = r.bool();
    else r.skip(tag, DATA_FIELDS, 'metric data');
  }
  r.leave(outer);
}

function readPoint(r: ProtobufReader, draft: MetricDraft): void {
  switch (draft.type) {
    case DataPointType.GAUGE:
    case DataPointType.SUM:
      readNumberPoint(r, draft);
      return;
    case DataPointType.HISTOGRAM:
      readHistogramPoint(r, draft);
      return;
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      readExponentialPoint(r, draft);
      return;
    default: {
      // Summary points are not stored; they are only counted for the partial-success reply.
      const outer = r.enter();
      r.leave(outer);
      draft.summaryPoints++;
    }
  }
}

function readNumberPoint(r: ProtobufReader, draft: MetricDraft): void {
  const outer = r.enter();
  const attributes: Record<string, unknown> = {};
  let start = EPOCH;
  let time = EPOCH;
  let value = 0;
  let flags = 0;
  while (r.more) {
    const tag = r.uint32();
    switch (tag) {
      case NUMBER_START:
        r.fixed64Parts();
        start = nanosToHrTime(r.lo, r.hi);
        break;
      case NUMBER_TIME:
        r.fixed64Parts();
        time = nanosToHrTime(r.lo, r.hi);
        break;
      case NUMBER_AS_DOUBLE:
        value = r.double();
        break;
      case NUMBER_AS_INT:
        value = Number(r.sfixed64());
        draft.integer = true;
        break;
      case NUMBER_ATTRIBUTES:
        readKeyValue(r, attributes, 'base64');
        break;
      case NUMBER_FLAGS:
        flags = r.uint32();
        break;
      default:
        r.skip(tag, NUMBER_FIELDS, 'NumberDataPoint');
    }
  }
  r.leave(outer);
  if (!hasNoRecordedValue(flags)) draft.points.push(dataPoint(attributes as Attributes, start, time, value));
}

function readHistogramPoint(r: ProtobufReader, draft: MetricDraft): void {
  const outer = r.enter();
  const attributes: Record<string, unknown> = {};
  let start = EPOCH;
  let time = EPOCH;
  let flags = 0;
  const value: Histogram = {
    count: 0,
    sum: undefined,
    min: undefined,
    max: undefined,
    buckets: { boundaries: [], counts: [] },
  };
  while (r.more) {
    const tag = r.uint32();
    switch (tag) {
      case HISTOGRAM_START:
        r.fixed64Parts();
        start = nanosToHrTime(r.lo, r.hi);
        break;
      case HISTOGRAM_TIME:
        r.fixed64Parts();
        time = nanosToHrTime(r.lo, r.hi);
        break;
      case HISTOGRAM_COUNT:
        value.count = r.fixed64();
        break;
      case HISTOGRAM_SUM:
        value.sum = r.double();
        break;
      case HISTOGRAM_BUCKET_COUNTS_PACKED: {
        const outerPacked = r.enter();
        while (r.more) value.buckets.counts.push(r.fixed64());
        r.leave(outerPacked);
        break;
      }
      case HISTOGRAM_BUCKET_COUNT:
        value.buckets.counts.push(r.fixed64());
        break;
      case HISTOGRAM_BOUNDS_PACKED: {
        const outerPacked = r.enter();
        while (r.more) value.buckets.boundaries.push(r.double());
        r.leave(outerPacked);
        break;
      }
      case HISTOGRAM_BOUND:
        value.buckets.boundaries.push(r.double());
        break;
      case HISTOGRAM_ATTRIBUTES:
        readKeyValue(r, attributes, 'base64');
        break;
      case HISTOGRAM_FLAGS:
        flags = r.uint32();
        break;
      case HISTOGRAM_MIN:
        value.min = r.double();
        break;
      case HISTOGRAM_MAX:
        value.max = r.double();
        break;
      default:
        r.skip(tag, HISTOGRAM_FIELDS, 'HistogramDataPoint');
    }
  }
  r.leave(outer);
  if (!hasNoRecordedValue(flags)) draft.points.push(dataPoint(attributes as Attributes, start, time, value));
}

function readExponentialPoint(r: ProtobufReader, draft: MetricDraft): void {
  const outer = r.enter();
  const attributes: Record<string, unknown> = {};
  let start = EPOCH;
  let time = EPOCH;
  let flags = 0;
  const value: ExponentialHistogram = {
    count: 0,
    sum: undefined,
    min: undefined,
    max: undefined,
    scale: 0,
    zeroCount: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
  };
  while (r.more) {
    const tag = r.uint32();
    switch (tag) {
      case EXPONENTIAL_ATTRIBUTES:
        readKeyValue(r, attributes, 'base64');
        break;
      case EXPONENTIAL_START:
        r.fixed64Parts();
        start = nanosToHrTime(r.lo, r.hi);
        break;
      case EXPONENTIAL_TIME:
        r.fixed64Parts();
        time = nanosToHrTime(r.lo, r.hi);
        break;
      case EXPONENTIAL_COUNT:
        value.count = r.fixed64();
        break;
      case EXPONENTIAL_SUM:
        value.sum = r.double();
        break;
      case EXPONENTIAL_SCALE:
        value.scale = r.sint32();
        break;
      case EXPONENTIAL_ZERO_COUNT:
        value.zeroCount = r.fixed64();
        break;
      case EXPONENTIAL_POSITIVE:
        value.positive = readBuckets(r);
        break;
      case EXPONENTIAL_NEGATIVE:
        value.negative = readBuckets(r);
        break;
      case EXPONENTIAL_FLAGS:
        flags = r.uint32();
        break;
      case EXPONENTIAL_MIN:
        value.min = r.double();
        break;
      case EXPONENTIAL_MAX:
        value.max = r.double();
        break;
      default:
        r.skip(tag, EXPONENTIAL_FIELDS, 'ExponentialHistogramDataPoint');
    }
  }
  r.leave(outer);
  if (!hasNoRecordedValue(flags)) draft.points.push(dataPoint(attributes as Attributes, start, time, value));
}

function readBuckets(r: ProtobufReader): { offset: number; bucketCounts: number[] } {
  const outer = r.enter();
  const buckets = { offset: 0, bucketCounts: [] as number[] };
  while (r.more) {
    const tag = r.uint32();
    if (tag === BUCKETS_OFFSET) {
      buckets.offset = r.sint32();
    } else if (tag === BUCKETS_COUNTS_PACKED) {
      const outerPacked = r.enter();
      while (r.more) buckets.bucketCounts.push(r.uint64());
      r.leave(outerPacked);
    } else if (tag === BUCKETS_COUNT) {
      buckets.bucketCounts.push(r.uint64());
    } else {
      r.skip(tag, BUCKETS_FIELDS, 'ExponentialHistogramDataPoint.Buckets');
    }
  }
  r.leave(outer);
  return buckets;
}
