import type { Database } from 'better-sqlite3';
import { componentsToQuery } from '@transcriber/storage/databases';
import { resourceCondition, type ResourceScope } from './serviceScope';

export interface NewestFilter {
  sinceUs: number;
  untilUs: number;
  component?: string;
  minDurationMs?: number;
  /** At most this many ids; a negative limit means all (as SQLite's LIMIT). */
  limit: number;
  /** The resources (services) to read; default all. */
  scope?: ResourceScope;
}

/** Newest first; among equal starts the later row first. */
export const RECENT_ORDER = 's.start_us DESC, s.id DESC';

interface Candidate {
  id: number;
  startUs: number;
}

/** The first stretch of time read back from the window's end; each next one is 4× longer. */
const FIRST_STRETCH_US = 1_000_000;

/**
 * Ids of the `limit` newest spans with a component in the window, in RECENT_ORDER. Times are
 * indexed per component only (spans_component_start), so the window is read back from its end in
 * stretches, each 4× longer than the one before, and in each stretch every component's newest
 * `limit` index entries (no table rows): once `limit` spans are held, older stretches cannot hold
 * a newer one. A filter few spans pass (a minimum duration most components never reach) thus reads
 * about as far back as its answer goes, not every component's whole window. On the CLI benchmark's
 * million spans, `--limit 20` reads the last second: 20 entries of each of its nine components.
 */
export function newestSpanIds(db: Database, filter: NewestFilter): number[] {
  if (filter.limit === 0) return [];
  const components = componentsToQuery(db, filter.component);
  const inStretch = db.prepare(
    `SELECT s.id, s.start_us AS startUs FROM spans s INDEXED BY spans_component_start
      WHERE s.component = @component AND s.start_us >= @from AND s.start_us < @to AND s.duration_ms >= @floor
        AND ${resourceCondition(filter.scope ?? { kind: 'all' }, 's.resource_id')}
      ORDER BY ${RECENT_ORDER} LIMIT @limit`,
  );
  const all = filter.limit < 0;
  const found: Candidate[] = [];
  let to = filter.untilUs;
  for (let width = FIRST_STRETCH_US; to > filter.sinceUs && (all || found.length < filter.limit); width *= 4) {
    const from = all ? filter.sinceUs : Math.max(filter.sinceUs, to - width);
    for (const component of components) {
      const params = { component, from, to, floor: filter.minDurationMs ?? -Infinity, limit: filter.limit };
      found.push(...(inStretch.all(params) as Candidate[]));
    }
    to = from;
  }
  found.sort((a, b) => b.startUs - a.startUs || b.id - a.id);
  return (all ? found : found.slice(0, filter.limit)).map((c) => c.id);
}
