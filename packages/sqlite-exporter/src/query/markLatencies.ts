import type { Database } from 'better-sqlite3';
import { percentileOfSorted } from './percentile';
import type { TimeWindow } from './types';

/** Time from operations' start to a mark (span event) inside them, per component (ms). */
export interface MarkLatency {
  component: string;
  mark: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface MarkFilter extends TimeWindow {
  /** The span event marking the point, e.g. `first_token` (LLM) or `first_audio_byte` (TTS). */
  mark: string;
  component?: string;
}

/**
 * Per component, the time from an operation's start to the first span event named `mark` (set by
 * `handle.mark(name)`): LLM time to first token, TTS time to first audio byte. Only operations that
 * recorded the mark count.
 */
export function markLatencies(db: Database, filter: MarkFilter): MarkLatency[] {
  const rows = db
    .prepare(
      `SELECT s.component AS component, (min(json_extract(e.value, '$.time_us')) - s.start_us) / 1000.0 AS ms
         FROM spans s, json_each(s.events) e
        WHERE s.events IS NOT NULL AND s.component IS NOT NULL
          AND (@component IS NULL OR s.component = @component)
          AND s.start_us >= @since AND s.start_us < @until
          AND json_extract(e.value, '$.name') = @mark
        GROUP BY s.id`,
    )
    .all({
      component: filter.component ?? null,
      since: filter.sinceUs,
      until: filter.untilUs ?? Date.now() * 1000 + 1,
      mark: filter.mark,
    }) as { component: string; ms: number }[];
  const byComponent = new Map<string, number[]>();
  for (const row of rows) {
    let list = byComponent.get(row.component);
    if (list === undefined) byComponent.set(row.component, (list = []));
    list.push(row.ms);
  }
  return [...byComponent.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([component, values]) => {
      const sorted = Float64Array.from(values).sort();
      return {
        component,
        mark: filter.mark,
        count: sorted.length,
        p50Ms: percentileOfSorted(sorted, 50),
        p95Ms: percentileOfSorted(sorted, 95),
        p99Ms: percentileOfSorted(sorted, 99),
      };
    });
}
