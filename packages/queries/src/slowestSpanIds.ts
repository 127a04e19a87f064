import type { Database } from 'better-sqlite3';
import { resourceCondition, type ResourceScope } from './serviceScope';

const MINUTE_US = 60_000_000;

export interface SlowestFilter {
  sinceUs: number;
  untilUs: number;
  component?: string;
  minDurationMs?: number;
  limit: number;
  /** The resources (services) to read; default all. */
  scope?: ResourceScope;
}

interface Candidate {
  id: number;
  durationMs: number;
  startUs: number;
}

/**
 * The order of "slowest" listings: longest first; among equal durations the later start, then the
 * later row, first (so a listing is the same whichever way it was found).
 */
export const SLOWEST_ORDER = 's.duration_ms DESC, s.start_us DESC, s.id DESC';

/**
 * Ids of the `limit` longest spans with a component in the window, in SLOWEST_ORDER, without an
 * index on durations. The per-minute rollup knows, for each (minute, component) slice, the longest
 * duration in it. Slices are read longest maximum first, each through spans_component_start
 * (component, start_us, duration_ms) — index entries only, no table rows — keeping the `limit`
 * best so far; once `limit` are held and the next slice's maximum is below the shortest of them,
 * no later slice can hold a better span. A rollup maximum is never below a span of its slice (the
 * exporter writes both in one transaction; pruning only removes spans), so the answer is the
 * same as sorting the whole window. On the CLI benchmark's million spans, `--limit 20` reads about
 * 20 slices of 2,000 entries.
 */
export function slowestSpanIds(db: Database, filter: SlowestFilter): number[] {
  if (filter.limit <= 0) return [];
  const floorMs = filter.minDurationMs ?? -Infinity;
  const scope = filter.scope ?? { kind: 'all' };
  const slices = db
    .prepare(
      `SELECT minute_us AS minuteUs, component, max(max_ms) AS maxMs FROM span_rollup
        WHERE minute_us > @since - ${MINUTE_US} AND minute_us < @until AND max_ms >= @floor
          ${filter.component !== undefined ? 'AND component = @component' : ''}
          AND ${resourceCondition(scope, 'resource_id')}
        GROUP BY minute_us, component ORDER BY maxMs DESC`,
    )
    .all({ since: filter.sinceUs, until: filter.untilUs, floor: floorMs, component: filter.component ?? null }) as {
    minuteUs: number;
    component: string;
    maxMs: number;
  }[];
  const inSlice = db.prepare(
    `SELECT s.id, s.duration_ms AS durationMs, s.start_us AS startUs FROM spans s INDEXED BY spans_component_start
      WHERE s.component = @component AND s.start_us >= @from AND s.start_us < @to AND s.duration_ms >= @floor
        AND ${resourceCondition(scope, 's.resource_id')}
      ORDER BY ${SLOWEST_ORDER} LIMIT @limit`,
  );
  let best: Candidate[] = [];
  for (const slice of slices) {
    const full = best.length === filter.limit;
    const shortest = full ? best[best.length - 1].durationMs : floorMs;
    // Equal durations still count: a later start ranks first among them.
    if (full && slice.maxMs < shortest) break;
    const found = inSlice.all({
      component: slice.component,
      from: Math.max(slice.minuteUs, filter.sinceUs),
      to: Math.min(slice.minuteUs + MINUTE_US, filter.untilUs),
      floor: Math.max(shortest, floorMs),
      limit: filter.limit,
    }) as Candidate[];
    if (found.length > 0) best = [...best, ...found].sort(slowestFirst).slice(0, filter.limit);
  }
  return best.map((c) => c.id);
}

function slowestFirst(a: Candidate, b: Candidate): number {
  return b.durationMs - a.durationMs || b.startUs - a.startUs || b.id - a.id;
}
