import type { Database } from 'better-sqlite3';
import { RESOURCE_SNAPSHOT_COLUMNS } from './resourceHistory';
import { resourceCondition, resourceScope, type ServiceFilter } from './serviceScope';
import type { ResourceSnapshot, TimeWindow } from './types';

/** One process's resources over a window: its latest sample and the extremes. */
export interface ProcessResources {
  pid: number | null;
  serviceName: string | null;
  samples: number;
  firstUs: number;
  lastUs: number;
  latest: ResourceSnapshot;
  avgCpuUtilization: number | null;
  maxCpuUtilization: number | null;
  maxRssBytes: number | null;
  maxHeapUsedBytes: number | null;
  maxEventLoopDelayP99Ms: number | null;
}

interface AggregateRow extends Omit<ProcessResources, 'latest' | 'serviceName'> {
  latestUs: number;
}

/** Per process (pid) that sampled resources in the window: latest sample, averages and maxima. */
export function resourceSummary(db: Database, window: TimeWindow & ServiceFilter): ProcessResources[] {
  const params = { since: window.sinceUs, until: window.untilUs ?? Date.now() * 1000 + 1 };
  const scope = resourceScope(db, window);
  const aggregates = db
    .prepare(
      `SELECT pid, count(*) AS samples, min(time_us) AS firstUs, max(time_us) AS lastUs, max(time_us) AS latestUs,
              avg(cpu_utilization) AS avgCpuUtilization, max(cpu_utilization) AS maxCpuUtilization,
              max(rss_bytes) AS maxRssBytes, max(heap_used_bytes) AS maxHeapUsedBytes,
              max(event_loop_delay_p99_ms) AS maxEventLoopDelayP99Ms
         FROM resource_snapshots INDEXED BY resource_snapshots_time
        WHERE time_us >= @since AND time_us < @until AND ${resourceCondition(scope, 'resource_id')}
        GROUP BY pid ORDER BY pid`,
    )
    .all(params) as AggregateRow[];
  const latest = db.prepare(
    `SELECT ${RESOURCE_SNAPSHOT_COLUMNS}, r.service_name AS serviceName
       FROM resource_snapshots s LEFT JOIN resources r ON r.id = s.resource_id
      WHERE s.pid IS ? AND s.time_us = ? AND ${resourceCondition(scope, 's.resource_id')}
      ORDER BY s.id DESC LIMIT 1`,
  );
  return aggregates.map(({ latestUs, ...row }) => {
    const { serviceName, ...snapshot } = latest.get(row.pid, latestUs) as ResourceSnapshot & {
      serviceName: string | null;
    };
    return { ...row, serviceName, latest: snapshot };
  });
}
