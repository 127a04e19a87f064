import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import type { Rejections } from './rejections';

/**
 * What the protobuf and JSON metric decoders share: the SDK shapes (`MetricData`, `DataPoint`) they
 * build, and the checks a point must pass to be stored.
 */

/** OTLP `AggregationTemporality`. */
export const OTLP_DELTA = 1;
export const OTLP_CUMULATIVE = 2;
export const AGGREGATION_TEMPORALITIES = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: OTLP_DELTA,
  AGGREGATION_TEMPORALITY_CUMULATIVE: OTLP_CUMULATIVE,
};

/** `DataPointFlags.FLAG_NO_RECORDED_VALUE`: the point marks a series as stale and has no value. */
const FLAG_NO_RECORDED_VALUE = 1;

export type PointValue = number | Histogram | ExponentialHistogram;

/** A metric as it is read, before its points are checked. */
export interface MetricDraft {
  name: string;
  description: string;
  unit: string;
  type: DataPointType | 'summary' | undefined;
  /** OTLP temporality of sums and histograms. */
  temporality: number;
  isMonotonic: boolean;
  points: DataPoint<PointValue>[];
  /** Summary points are counted only: they are not stored. */
  summaryPoints: number;
  integer: boolean;
}

export function newMetricDraft(): MetricDraft {
  return {
    name: '',
    description: '',
    unit: '',
    type: undefined,
    temporality: 0,
    isMonotonic: false,
    points: [],
    summaryPoints: 0,
    integer: false,
  };
}

/** A point, with start = time when the sender left the start out (gauges often do). */
export function dataPoint<T>(attributes: Attributes, start: HrTime, time: HrTime, value: T): DataPoint<T> {
  const startTime = start[0] === 0 && start[1] === 0 ? time : start;
  return { startTime, endTime: time, attributes, value };
}

/** Whether a point's flags say it carries no value (a staleness marker, not data). */
export function hasNoRecordedValue(flags: number): boolean {
  return (flags & FLAG_NO_RECORDED_VALUE) !== 0;
}

/** Why a histogram point cannot be stored, if it cannot. */
export function histogramProblem(value: Histogram): string | undefined {
  const { boundaries, counts } = value.buckets;
  if (counts.length === 0 && boundaries.length === 0) return undefined;
  if (counts.length !== boundaries.length + 1)
    return 'histogram bucket_counts must have one more entry than explicit_bounds';
  for (let i = 1; i < boundaries.length; i++) {
    if (!(boundaries[i] > boundaries[i - 1])) return 'histogram explicit_bounds must increase';
  }
  return undefined;
}

/**
 * The SDK's `MetricData` for a draft, or undefined when nothing of it can be stored; what cannot is
 * counted in `rejections`.
 */
export function metricDataOf(draft: MetricDraft, rejections: Rejections): MetricData | undefined {
  if (draft.type === 'summary') {
    rejections.add('summary metrics are not stored (export histograms instead)', draft.summaryPoints);
    return undefined;
  }
  if (draft.type === undefined || draft.points.length === 0) return undefined;
  if (draft.name === '') {
    rejections.add('metric without a name', draft.points.length);
    return undefined;
  }
  let temporality = AggregationTemporality.CUMULATIVE;
  if (draft.type !== DataPointType.GAUGE) {
    if (draft.temporality === OTLP_DELTA) temporality = AggregationTemporality.DELTA;
    else if (draft.temporality !== OTLP_CUMULATIVE) {
      rejections.add('aggregation_temporality is unspecified', draft.points.length);
      return undefined;
    }
  }
  let points = draft.points;
  if (draft.type === DataPointType.HISTOGRAM) {
    points = points.filter((point) => {
      const problem = histogramProblem(point.value as Histogram);
      if (problem !== undefined) rejections.add(problem);
      return problem === undefined;
    });
    if (points.length === 0) return undefined;
  }
  const descriptor = {
    name: draft.name,
    description: draft.description,
    unit: draft.unit,
    valueType: draft.integer ? ValueType.INT : ValueType.DOUBLE,
  };
  // The casts pair each point type with its DataPointType, which the draft keeps apart.
  if (draft.type === DataPointType.SUM) {
    return {
      descriptor,
      aggregationTemporality: temporality,
      dataPointType: DataPointType.SUM,
      isMonotonic: draft.isMonotonic,
      dataPoints: points as DataPoint<number>[],
    };
  }
  if (draft.type === DataPointType.GAUGE) {
    return {
      descriptor,
      aggregationTemporality: temporality,
      dataPointType: DataPointType.GAUGE,
      dataPoints: points as DataPoint<number>[],
    };
  }
  if (draft.type === DataPointType.HISTOGRAM) {
    return {
      descriptor,
      aggregationTemporality: temporality,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: points as DataPoint<Histogram>[],
    };
  }
  return {
    descriptor,
    aggregationTemporality: temporality,
    dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
    dataPoints: points as DataPoint<ExponentialHistogram>[],
  };
}
