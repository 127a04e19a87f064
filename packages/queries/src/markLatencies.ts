import type { Database } from 'better-sqlite3';
import { percentileOfSorted } from './percentile';
import { componentsToQuery } from '@transcriber/storage/databases';
import { resourceCondition, spanScope, type ServiceFilter } from './serviceScope';
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

export interface MarkFilter extends TimeWindow, ServiceFilter {
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
  // Per component, through the (component, start_us) index: the events are read only for the
  // spans of the window.
  const inComponent = db
    .prepare(
      `SELECT (min(json_extract(e.value, '$.time_us')) - s.start_us) / 1000.0 AS ms
         FROM spans s INDEXED BY spans_component_start, json_each(s.events) e
        WHERE s.component = @component AND s.start_us >= @since AND s.start_us < @until
          AND s.events IS NOT NULL AND json_extract(e.value, '$.name') = @mark
          AND ${resourceCondition(spanScope(db, filter), 's.resource_id')}
        GROUP BY s.id`,
    )
    .pluck();
  const window = { since: filter.sinceUs, until: filter.untilUs ?? Date.now() * 1000 + 1, mark: filter.mark };
  const byComponent = new Map<string, number[]>();
  for (const component of componentsToQuery(db, filter.component)) {
    const values = inComponent.all({ ...window, component }) as number[];
    if (values.length > 0) byComponent.set(component, values);
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
