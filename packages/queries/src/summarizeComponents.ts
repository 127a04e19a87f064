import type { Database } from 'better-sqlite3';
import {
  latencyBucketOf,
  minuteOf,
  percentileOfBuckets,
  type BucketCount,
  componentsToQuery,
} from '@transcriber/storage/databases';
import { percentileOfSorted } from './percentile';
import { resourceCondition, spanScope, type ServiceFilter } from './serviceScope';
import type { ComponentSummary, TimeWindow } from './types';

export interface SummaryFilter extends TimeWindow, ServiceFilter {
  component?: string;
  /**
   * Windows with more operations than this read whole minutes from the per-minute rollup, with
   * percentiles from its latency buckets (within 4.5%); smaller ones read every duration for exact
   * percentiles. Default 50,000. Counts, errors, avg, min and max are exact either way.
   */
  exactLimit?: number;
}

const DEFAULT_EXACT_LIMIT = 50_000;
const MINUTE_US = 60_000_000;

interface StatsRow {
  component: string;
  count: number;
  errors: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * Per-component count, errors, error rate and latency (avg, min, max, p50/p95/p99) of the
 * operations that started in the window.
 */
export function summarizeComponents(db: Database, filter: SummaryFilter): ComponentSummary[] {
  const untilUs = filter.untilUs ?? Date.now() * 1000 + 1;
  const scope = spanScope(db, { ...filter, untilUs });
  const window = {
    since: filter.sinceUs,
    until: untilUs,
    component: filter.component ?? null,
    spans: resourceCondition(scope, 'resource_id'),
  };
  // The whole minutes inside the window; the rest at either edge is read from the spans.
  const firstMinute = minuteOf(window.since + MINUTE_US - 1);
  // A window up to now holds every span of the current minute recorded so far: that minute comes
  // from the rollup whole. (A span dated in the future by a skewed clock would be counted too.)
  const endMinute = filter.untilUs === undefined ? minuteOf(untilUs) + MINUTE_US : minuteOf(untilUs);
  const touched = rolledUpCount(db, { ...window, since: minuteOf(window.since) });
  if (endMinute > firstMinute && touched > (filter.exactLimit ?? DEFAULT_EXACT_LIMIT)) {
    return fromRollup(db, window, firstMinute, endMinute);
  }
  return exactly(db, window);
}

/** `spans`: the SQL condition on `resource_id` (of spans or of the rollup) that keeps the asked services. */
type Window = { since: number; until: number; component: string | null; spans: string };

/** Operations in the minutes the window touches, by the rollup: decides which way to summarize. */
function rolledUpCount(db: Database, window: Window): number {
  return db
    .prepare(
      `SELECT coalesce(sum(count), 0) FROM span_rollup
        WHERE minute_us >= @since AND minute_us < @until
          AND (@component IS NULL OR component = @component) AND ${window.spans}`,
    )
    .pluck()
    .get({ since: window.since, until: window.until, component: window.component }) as number;
}

/**
 * Every duration of the window, per component through the covering index (component, start_us,
 * duration_ms).
 */
function exactly(db: Database, window: Window): ComponentSummary[] {
  const stats = db.prepare(
    `SELECT component, count(*) AS count, sum(status_code = 2) AS errors, sum(duration_ms) AS sum,
            min(duration_ms) AS min, max(duration_ms) AS max
       FROM spans INDEXED BY spans_component_start
      WHERE component = ? AND start_us >= ? AND start_us < ? AND ${window.spans}`,
  );
  const durations = db
    .prepare(
      `SELECT duration_ms FROM spans INDEXED BY spans_component_start
        WHERE component = ? AND start_us >= ? AND start_us < ? AND ${window.spans}`,
    )
    .pluck();
  const summaries: ComponentSummary[] = [];
  for (const component of componentsToQuery(db, window.component)) {
    const row = stats.get(component, window.since, window.until) as StatsRow;
    if (row.count === 0) continue;
    const sorted = Float64Array.from(durations.all(component, window.since, window.until) as number[]).sort();
    summaries.push(summaryOf(row, 'exact', (q) => percentileOfSorted(sorted, q)));
  }
  return summaries;
}

/**
 * Whole minutes from `span_rollup` (one row per minute, component and latency bucket), plus the
 * spans of the partial minutes at the window's edges, merged into one bucket histogram.
 */
function fromRollup(db: Database, window: Window, firstMinute: number, endMinute: number): ComponentSummary[] {
  const histograms = new Map<string, { stats: StatsRow; buckets: Map<number, BucketCount> }>();
  const histogramOf = (component: string) => {
    let h = histograms.get(component);
    if (h === undefined) {
      h = { stats: { component, count: 0, errors: 0, sum: 0, min: Infinity, max: -Infinity }, buckets: new Map() };
      histograms.set(component, h);
    }
    return h;
  };
  const rows = db
    .prepare(
      `SELECT component, bucket, sum(count) AS count, sum(errors) AS errors, sum(sum_ms) AS sum,
              min(min_ms) AS min, max(max_ms) AS max
         FROM span_rollup
        WHERE minute_us >= @first AND minute_us < @end AND (@component IS NULL OR component = @component)
          AND ${window.spans}
        GROUP BY component, bucket`,
    )
    .all({ first: firstMinute, end: endMinute, component: window.component }) as (StatsRow & { bucket: number })[];
  for (const r of rows) {
    const h = histogramOf(r.component);
    addStats(h.stats, r.count, r.errors, r.sum, r.min, r.max);
    h.buckets.set(r.bucket, { bucket: r.bucket, count: r.count, minMs: r.min, maxMs: r.max });
  }
  const edge = db.prepare(
    `SELECT duration_ms AS ms, status_code = 2 AS failed FROM spans INDEXED BY spans_component_start
      WHERE component = ? AND start_us >= ? AND start_us < ? AND ${window.spans}`,
  );
  const edges = [
    [window.since, firstMinute],
    [endMinute, window.until],
  ].filter(([from, to]) => from < to);
  for (const component of edges.length > 0 ? componentsToQuery(db, window.component) : []) {
    for (const [from, to] of edges) {
      for (const span of edge.iterate(component, from, to) as Iterable<{ ms: number; failed: number }>) {
        const h = histogramOf(component);
        addStats(h.stats, 1, span.failed, span.ms, span.ms, span.ms);
        const bucket = latencyBucketOf(span.ms);
        const b = h.buckets.get(bucket);
        if (b === undefined) h.buckets.set(bucket, { bucket, count: 1, minMs: span.ms, maxMs: span.ms });
        else {
          b.count += 1;
          b.minMs = Math.min(b.minMs, span.ms);
          b.maxMs = Math.max(b.maxMs, span.ms);
        }
      }
    }
  }
  return [...histograms.values()]
    .sort((a, b) => (a.stats.component < b.stats.component ? -1 : 1))
    .map(({ stats, buckets }) => {
      const sorted = [...buckets.values()].sort((a, b) => a.bucket - b.bucket);
      return summaryOf(stats, 'buckets', (q) => percentileOfBuckets(sorted, q));
    });
}

function addStats(stats: StatsRow, count: number, errors: number, sum: number, min: number, max: number): void {
  stats.count += count;
  stats.errors += errors;
  stats.sum += sum;
  if (min < stats.min) stats.min = min;
  if (max > stats.max) stats.max = max;
}

function summaryOf(
  row: StatsRow,
  percentiles: ComponentSummary['percentiles'],
  percentile: (q: number) => number,
): ComponentSummary {
  return {
    component: row.component,
    count: row.count,
    errors: row.errors,
    errorRate: row.count === 0 ? 0 : row.errors / row.count,
    avgMs: row.count === 0 ? NaN : row.sum / row.count,
    minMs: row.min,
    maxMs: row.max,
    p50Ms: percentile(50),
    p95Ms: percentile(95),
    p99Ms: percentile(99),
    percentiles,
  };
}
