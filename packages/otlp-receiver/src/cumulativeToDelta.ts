import type { Attributes, HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Rejections } from './rejections';
import { hrTimeBefore } from './unixNanos';

interface Stream {
  start: HrTime;
  end: HrTime;
  value: number | Histogram;
}

/** What a conversion did with the points that were not stored. */
export interface DeltaResult {
  /** Points kept as a series' starting value only (see CumulativeToDelta). */
  baselines: number;
}

const DEFAULT_MAX_STREAMS = 50_000;

/**
 * Turns cumulative sums and histograms into deltas, since our metric rows hold what happened in
 * their interval (the in-process exporter asks the SDK for delta temporality; senders such as the
 * Python SDK and the Collector default to cumulative). Each series (resource, scope, metric,
 * attributes) remembers its last point; the next one is stored as the difference over
 * [last time, this time]. The first point of a series is stored as it is when the series started
 * after this receiver did (nothing of it was counted before), and otherwise only becomes the
 * baseline; so is the point after a counter reset (a new start time, or a monotonic sum that went
 * down). Cumulative exponential histograms are refused (their buckets move with the scale); delta
 * ones and gauges pass through.
 *
 * Series are remembered up to `maxStreams`, the least recently updated forgotten first: a forgotten
 * series' next point becomes a baseline again, so nothing is counted twice.
 */
export class CumulativeToDelta {
  private readonly streams = new Map<string, Stream>();

  constructor(
    private readonly startedAt: HrTime,
    private readonly maxStreams = DEFAULT_MAX_STREAMS,
  ) {}

  /** Series remembered now. */
  get size(): number {
    return this.streams.size;
  }

  /** The delta form of `input` (a new object; `input` is not changed). */
  convert(input: ResourceMetrics, rejections: Rejections, result: DeltaResult): ResourceMetrics {
    let resourceKey: string | undefined;
    const scopeMetrics: ScopeMetrics[] = [];
    for (const scope of input.scopeMetrics) {
      const metrics: MetricData[] = [];
      for (const metric of scope.metrics) {
        if (
          metric.aggregationTemporality !== AggregationTemporality.CUMULATIVE ||
          metric.dataPointType === DataPointType.GAUGE
        ) {
          metrics.push(metric);
          continue;
        }
        if (metric.dataPointType === DataPointType.EXPONENTIAL_HISTOGRAM) {
          rejections.add(
            'cumulative exponential histograms are not stored (export them with delta temporality)',
            metric.dataPoints.length,
          );
          continue;
        }
        resourceKey ??= JSON.stringify(input.resource.attributes);
        const prefix = `${resourceKey}\0${scope.scope.name}\0${scope.scope.version ?? ''}\0${metric.descriptor.name}\0`;
        const points: DataPoint<number | Histogram>[] = [];
        for (const point of metric.dataPoints as DataPoint<number | Histogram>[]) {
          const delta = this.deltaOf(
            prefix + attributesKey(point.attributes),
            point,
            metric.dataPointType === DataPointType.SUM && metric.isMonotonic,
          );
          if (delta === undefined) result.baselines++;
          else points.push(delta);
        }
        if (points.length > 0) {
          metrics.push({
            ...metric,
            aggregationTemporality: AggregationTemporality.DELTA,
            dataPoints: points,
          } as MetricData);
        }
      }
      if (metrics.length > 0) scopeMetrics.push({ scope: scope.scope, metrics });
    }
    return { resource: input.resource, scopeMetrics };
  }

  private deltaOf(
    key: string,
    point: DataPoint<number | Histogram>,
    monotonic: boolean,
  ): DataPoint<number | Histogram> | undefined {
    const previous = this.streams.get(key);
    const stream: Stream = { start: point.startTime, end: point.endTime, value: point.value };
    this.remember(key, stream);
    if (previous === undefined) {
      // A series seen for the first time: stored whole only if all of it happened while we listened.
      return hrTimeBefore(point.startTime, this.startedAt) ? undefined : point;
    }
    if (!sameTime(previous.start, point.startTime)) return point; // restarted: everything since the new start is new
    if (!hrTimeBefore(previous.end, point.endTime)) return undefined; // a repeat or out of order: nothing new
    const value = difference(previous.value, point.value, monotonic);
    return value === undefined
      ? undefined
      : { startTime: previous.end, endTime: point.endTime, attributes: point.attributes, value };
  }

  private remember(key: string, stream: Stream): void {
    // Re-inserting keeps the map in least-recently-updated order.
    this.streams.delete(key);
    this.streams.set(key, stream);
    if (this.streams.size > this.maxStreams) this.streams.delete(this.streams.keys().next().value as string);
  }
}

/** `current - previous`, or undefined when the series cannot have gone that way (then the point is a new baseline). */
function difference(
  previous: number | Histogram,
  current: number | Histogram,
  monotonic: boolean,
): number | Histogram | undefined {
  if (typeof previous === 'number' || typeof current === 'number') {
    if (typeof previous !== 'number' || typeof current !== 'number') return undefined;
    const delta = current - previous;
    return monotonic && delta < 0 ? undefined : delta;
  }
  const bounds = current.buckets.boundaries;
  const previousBounds = previous.buckets.boundaries;
  if (bounds.length !== previousBounds.length || bounds.some((b, i) => b !== previousBounds[i])) return undefined;
  const counts = current.buckets.counts.map((c, i) => c - (previous.buckets.counts[i] ?? 0));
  const count = current.count - previous.count;
  if (count < 0 || counts.some((c) => c < 0)) return undefined;
  return {
    count,
    sum: current.sum === undefined || previous.sum === undefined ? undefined : current.sum - previous.sum,
    // The extremes of the interval alone are not in cumulative data.
    min: undefined,
    max: undefined,
    buckets: { boundaries: bounds, counts },
  };
}

function sameTime(a: HrTime, b: HrTime): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** The attributes as a key independent of their order. */
function attributesKey(attributes: Attributes): string {
  const keys = Object.keys(attributes);
  if (keys.length <= 1) return JSON.stringify(attributes);
  keys.sort();
  return JSON.stringify(keys.map((key) => [key, attributes[key]]));
}
