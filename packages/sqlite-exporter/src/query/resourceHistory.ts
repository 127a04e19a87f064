import type { Database } from 'better-sqlite3';
import type { ResourceSnapshot, TimeWindow } from './types';

/** Resource samples in the window, oldest first. */
export function resourceHistory(db: Database, window: TimeWindow & { pid?: number }): ResourceSnapshot[] {
  return db
    .prepare(
      `SELECT time_us AS timeUs, pid, cpu_utilization AS cpuUtilization, rss_bytes AS rssBytes,
              heap_used_bytes AS heapUsedBytes, heap_total_bytes AS heapTotalBytes, external_bytes AS externalBytes,
              event_loop_delay_p50_ms AS eventLoopDelayP50Ms, event_loop_delay_p99_ms AS eventLoopDelayP99Ms,
              event_loop_delay_max_ms AS eventLoopDelayMaxMs, system_cpu_utilization AS systemCpuUtilization,
              system_memory_used_bytes AS systemMemoryUsedBytes, system_memory_total_bytes AS systemMemoryTotalBytes
         FROM resource_snapshots
        WHERE time_us >= @since AND time_us < @until AND (@pid IS NULL OR pid = @pid)
        ORDER BY time_us`,
    )
    .all({
      since: window.sinceUs,
      until: window.untilUs ?? Date.now() * 1000 + 1,
      pid: window.pid ?? null,
    }) as ResourceSnapshot[];
}
