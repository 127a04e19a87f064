import type { Database } from 'better-sqlite3';
import { resourceCondition, resourceScope, type ServiceFilter } from './serviceScope';
import type { ResourceSnapshot, TimeWindow } from './types';

/** The columns of a ResourceSnapshot, read from `resource_snapshots s`. */
export const RESOURCE_SNAPSHOT_COLUMNS = `s.time_us AS timeUs, s.pid AS pid, s.cpu_utilization AS cpuUtilization,
  s.rss_bytes AS rssBytes, s.heap_used_bytes AS heapUsedBytes, s.heap_total_bytes AS heapTotalBytes,
  s.external_bytes AS externalBytes, s.event_loop_delay_p50_ms AS eventLoopDelayP50Ms,
  s.event_loop_delay_p99_ms AS eventLoopDelayP99Ms, s.event_loop_delay_max_ms AS eventLoopDelayMaxMs,
  s.system_cpu_utilization AS systemCpuUtilization, s.system_memory_used_bytes AS systemMemoryUsedBytes,
  s.system_memory_total_bytes AS systemMemoryTotalBytes`;

/** Resource samples in the window, oldest first. */
export function resourceHistory(
  db: Database,
  window: TimeWindow & ServiceFilter & { pid?: number },
): ResourceSnapshot[] {
  return db
    .prepare(
      `SELECT ${RESOURCE_SNAPSHOT_COLUMNS}
         FROM resource_snapshots s
        WHERE s.time_us >= @since AND s.time_us < @until AND (@pid IS NULL OR s.pid = @pid)
          AND ${resourceCondition(resourceScope(db, window), 's.resource_id')}
        ORDER BY s.time_us`,
    )
    .all({
      since: window.sinceUs,
      until: window.untilUs ?? Date.now() * 1000 + 1,
      pid: window.pid ?? null,
    }) as ResourceSnapshot[];
}
