import type { Database } from 'better-sqlite3';
import { percentileOfBuckets, type BucketCount } from '@transcriber/storage/databases';
import { resourceCondition, resourceScope, type ServiceFilter } from './serviceScope';
import { timeSteps, type TimeSteps } from './timeSteps';

/** One component's operations per step; latencies null in steps without operations. */
export interface ComponentSeries {
  component: string;
  count: number[];
  errors: number[];
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
}

export interface ComponentTimeline extends Pick<TimeSteps, 'stepMinutes' | 'timesUs'> {
  components: ComponentSeries[];
}

export interface TimelineFilter extends ServiceFilter {
  sinceUs: number;
  untilUs: number;
  component?: string;
  /** At most this many points (steps of whole minutes). Default 240. */
  maxPoints?: number;
}

// Raw rows (arrays, no object per row): minute, component, bucket, count, errors, min, max.
type Row = [number, string, number, number, number, number, number];

/**
 * Per step (whole minutes) and component: operations, failures, p50 and p95, all from the
 * per-minute rollup (percentiles within a bucket's width, 4.5%, of the exact ones). The minutes the
 * window touches count whole. One indexed range of `span_rollup` whatever the number of spans,
 * read in its key order and merged here: ~17,000 rows for an hour of nine components (the CLI
 * benchmark's data), which SQLite would otherwise sort to group.
 */
export function componentTimeline(db: Database, filter: TimelineFilter): ComponentTimeline {
  const steps = timeSteps(filter, filter.maxPoints);
  const rows = db
    .prepare(
      `SELECT minute_us, component, bucket, count, errors, min_ms, max_ms FROM span_rollup
        WHERE minute_us >= @first AND minute_us < @until AND (@component IS NULL OR component = @component)
          AND ${resourceCondition(resourceScope(db, filter), 'resource_id')}`,
    )
    .raw()
    .all({ first: steps.firstUs, until: filter.untilUs, component: filter.component ?? null }) as Row[];
  const n = steps.timesUs.length;
  // Per component and step, bucket → counts; rows of several resources add up in one bucket.
  const byComponent = new Map<string, { series: ComponentSeries; buckets: Map<number, BucketCount>[] }>();
  for (const [minuteUs, component, bucket, count, errors, minMs, maxMs] of rows) {
    let entry = byComponent.get(component);
    if (entry === undefined) {
      entry = {
        series: {
          component,
          count: new Array<number>(n).fill(0),
          errors: new Array<number>(n).fill(0),
          p50Ms: new Array<number | null>(n).fill(null),
          p95Ms: new Array<number | null>(n).fill(null),
        },
        buckets: Array.from({ length: n }, () => new Map<number, BucketCount>()),
      };
      byComponent.set(component, entry);
    }
    const step = Math.floor((minuteUs - steps.firstUs) / steps.stepUs);
    entry.series.count[step] += count;
    entry.series.errors[step] += errors;
    const b = entry.buckets[step].get(bucket);
    if (b === undefined) entry.buckets[step].set(bucket, { bucket, count, minMs, maxMs });
    else {
      b.count += count;
      if (minMs < b.minMs) b.minMs = minMs;
      if (maxMs > b.maxMs) b.maxMs = maxMs;
    }
  }
  const components = [...byComponent.values()]
    .map(({ series, buckets }) => {
      buckets.forEach((inStep, step) => {
        if (inStep.size === 0) return;
        const sorted = [...inStep.values()].sort((a, b) => a.bucket - b.bucket);
        series.p50Ms[step] = percentileOfBuckets(sorted, 50);
        series.p95Ms[step] = percentileOfBuckets(sorted, 95);
      });
      return series;
    })
    .sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0));
  return { stepMinutes: steps.stepMinutes, timesUs: steps.timesUs, components };
}
