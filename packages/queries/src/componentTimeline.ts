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
  // Per component and step, its buckets as they come: the rollup's key order gives them in
  // increasing order within each (minute, resource), so a one-minute step of one process needs no
  // merging (the usual case, and the reason this is a list and not a map per row).
  const byComponent = new Map<string, { series: ComponentSeries; buckets: (BucketCount[] | undefined)[] }>();
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
        buckets: new Array<BucketCount[] | undefined>(n),
      };
      byComponent.set(component, entry);
    }
    const step = Math.floor((minuteUs - steps.firstUs) / steps.stepUs);
    entry.series.count[step] += count;
    entry.series.errors[step] += errors;
    (entry.buckets[step] ??= []).push({ bucket, count, minMs, maxMs });
  }
  const components = [...byComponent.values()]
    .map(({ series, buckets }) => {
      buckets.forEach((inStep, step) => {
        if (inStep === undefined) return;
        const ordered = inOrder(inStep);
        series.p50Ms[step] = percentileOfBuckets(ordered, 50);
        series.p95Ms[step] = percentileOfBuckets(ordered, 95);
      });
      return series;
    })
    .sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0));
  return { stepMinutes: steps.stepMinutes, timesUs: steps.timesUs, components };
}

/** Buckets by increasing bucket, equal ones (several minutes or processes) merged. */
function inOrder(buckets: BucketCount[]): BucketCount[] {
  let increasing = true;
  for (let i = 1; i < buckets.length && increasing; i++) increasing = buckets[i].bucket > buckets[i - 1].bucket;
  if (increasing) return buckets;
  const merged: BucketCount[] = [];
  for (const b of [...buckets].sort((x, y) => x.bucket - y.bucket)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.bucket === b.bucket) {
      last.count += b.count;
      if (b.minMs < last.minMs) last.minMs = b.minMs;
      if (b.maxMs > last.maxMs) last.maxMs = b.maxMs;
    } else merged.push({ ...b });
  }
  return merged;
}
