import type { Database } from 'better-sqlite3';
import { resourceCondition, resourceScope, type ServiceFilter } from './serviceScope';
import type { TimeWindow } from './types';

/**
 * One process's resource samples in a window, oldest first, as columns: what judging memory
 * growth and event-loop delay reads, without a row object per sample. (A window of an hour holds
 * 3,600 samples a process at one a second; as objects of every column they took ~35 ms to read of
 * the ~50 ms the recommendations took, as these columns ~6 ms.) Absent values are NaN.
 */
export interface ProcessResourceSeries {
  pid: number;
  timesUs: Float64Array;
  /** Heap used + external (Buffers), bytes: memory in use; NaN where the heap was not sampled. */
  memoryInUseBytes: Float64Array;
  eventLoopDelayP99Ms: Float64Array;
  eventLoopDelayMaxMs: Float64Array;
  /** RSS and machine memory of the newest sample with memory in use, bytes (null when not sampled). */
  last: { rssBytes: number | null; systemMemoryUsedBytes: number | null; systemMemoryTotalBytes: number | null };
}

type Row = [number, number | null, number | null, number | null, number | null, number | null];

/** Per process (pid; 0 for samples without one), its resource samples in the window. */
export function resourceSeries(db: Database, window: TimeWindow & ServiceFilter): ProcessResourceSeries[] {
  const rows = db
    .prepare(
      `SELECT s.time_us, s.pid, s.heap_used_bytes + coalesce(s.external_bytes, 0),
              s.event_loop_delay_p99_ms, s.event_loop_delay_max_ms, s.id
         FROM resource_snapshots s
        WHERE s.time_us >= @since AND s.time_us < @until
          AND ${resourceCondition(resourceScope(db, window), 's.resource_id')}
        ORDER BY s.time_us`,
    )
    .raw()
    .all({ since: window.sinceUs, until: window.untilUs ?? Date.now() * 1000 + 1 }) as Row[];
  const byPid = new Map<number, Row[]>();
  for (const row of rows) {
    const pid = row[1] ?? 0;
    let list = byPid.get(pid);
    if (list === undefined) byPid.set(pid, (list = []));
    list.push(row);
  }
  const lastOf = db.prepare(
    `SELECT rss_bytes AS rssBytes, system_memory_used_bytes AS systemMemoryUsedBytes,
            system_memory_total_bytes AS systemMemoryTotalBytes FROM resource_snapshots WHERE id = ?`,
  );
  const column = (list: Row[], i: number) => Float64Array.from(list, (row) => (row[i] as number | null) ?? NaN);
  return [...byPid].map(([pid, list]) => ({
    pid,
    timesUs: column(list, 0),
    memoryInUseBytes: column(list, 2),
    eventLoopDelayP99Ms: column(list, 3),
    eventLoopDelayMaxMs: column(list, 4),
    last: lastOf.get(lastWithMemory(list)[5]) as ProcessResourceSeries['last'],
  }));
}

function lastWithMemory(list: readonly Row[]): Row {
  for (let i = list.length - 1; i >= 0; i--) if (list[i][2] !== null) return list[i];
  return list[list.length - 1];
}
