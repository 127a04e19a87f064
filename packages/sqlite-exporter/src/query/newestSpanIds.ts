import type { Database } from 'better-sqlite3';
import { componentsToQuery } from './spanComponents';

export interface NewestFilter {
  sinceUs: number;
  untilUs: number;
  component?: string;
  minDurationMs?: number;
  /** At most this many ids; a negative limit means all (as SQLite's LIMIT). */
  limit: number;
}

/** Newest first; among equal starts the later row first. */
export const RECENT_ORDER = 's.start_us DESC, s.id DESC';

interface Candidate {
  id: number;
  startUs: number;
}

/**
 * Ids of the `limit` newest spans with a component in the window, in RECENT_ORDER. Times are
 * indexed per component only (spans_component_start), so each component's newest `limit` are read
 * from the end of its range — index entries only — and merged: the overall newest `limit` are
 * among them. On the CLI benchmark's million spans, `--limit 20` reads 20 entries of each of its
 * nine components.
 */
export function newestSpanIds(db: Database, filter: NewestFilter): number[] {
  if (filter.limit === 0) return [];
  const inComponent = db.prepare(
    `SELECT s.id, s.start_us AS startUs FROM spans s INDEXED BY spans_component_start
      WHERE s.component = @component AND s.start_us >= @since AND s.start_us < @until AND s.duration_ms >= @floor
      ORDER BY ${RECENT_ORDER} LIMIT @limit`,
  );
  const found: Candidate[] = [];
  for (const component of componentsToQuery(db, filter.component)) {
    found.push(
      ...(inComponent.all({
        component,
        since: filter.sinceUs,
        until: filter.untilUs,
        floor: filter.minDurationMs ?? -Infinity,
        limit: filter.limit,
      }) as Candidate[]),
    );
  }
  found.sort((a, b) => b.startUs - a.startUs || b.id - a.id);
  return (filter.limit < 0 ? found : found.slice(0, filter.limit)).map((c) => c.id);
}
