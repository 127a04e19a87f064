import type { Database } from 'better-sqlite3';
import { resourceCondition, resourceScope, type ServiceFilter } from './serviceScope';
import { timeSteps, type TimeSteps } from './timeSteps';

/** One process's resources per step; null in steps without a sample. */
export interface ProcessSeries {
  pid: number | null;
  serviceName: string | null;
  /** Average over the step (1 = one core). */
  cpuUtilization: (number | null)[];
  /** Largest sample of the step. */
  rssBytes: (number | null)[];
  heapUsedBytes: (number | null)[];
  eventLoopDelayP99Ms: (number | null)[];
}

export interface ResourceTimeline extends Pick<TimeSteps, 'stepMinutes' | 'timesUs'> {
  processes: ProcessSeries[];
}

interface Row {
  pid: number | null;
  step: number;
  cpu: number | null;
  rss: number | null;
  heap: number | null;
  eld: number | null;
  resourceId: number | null;
}

/**
 * The process resources of the window on the same steps as componentTimeline (so charts share
 * their time axis): average CPU, peak RSS, heap used and event-loop delay p99 per step and process.
 */
export function resourceTimeline(
  db: Database,
  filter: ServiceFilter & { sinceUs: number; untilUs: number; maxPoints?: number },
): ResourceTimeline {
  const steps = timeSteps(filter, filter.maxPoints);
  const rows = db
    .prepare(
      // Numbers are bound as REAL: the step is cast to a whole number, or each sample is a group.
      `SELECT pid, CAST((time_us - @first) / @stepUs AS INTEGER) AS step, avg(cpu_utilization) AS cpu, max(rss_bytes) AS rss,
              max(heap_used_bytes) AS heap, max(event_loop_delay_p99_ms) AS eld, max(resource_id) AS resourceId
         FROM resource_snapshots INDEXED BY resource_snapshots_time
        WHERE time_us >= @first AND time_us < @until AND ${resourceCondition(resourceScope(db, filter), 'resource_id')}
        GROUP BY pid, step ORDER BY pid, step`,
    )
    .all({ first: steps.firstUs, stepUs: steps.stepUs, until: filter.untilUs }) as Row[];
  const serviceOf = db.prepare('SELECT service_name FROM resources WHERE id = ?').pluck();
  const n = steps.timesUs.length;
  const byPid = new Map<number | null, ProcessSeries>();
  for (const r of rows) {
    let series = byPid.get(r.pid);
    if (series === undefined) {
      series = {
        pid: r.pid,
        serviceName:
          r.resourceId === null ? null : ((serviceOf.get(r.resourceId) as string | null | undefined) ?? null),
        cpuUtilization: new Array<number | null>(n).fill(null),
        rssBytes: new Array<number | null>(n).fill(null),
        heapUsedBytes: new Array<number | null>(n).fill(null),
        eventLoopDelayP99Ms: new Array<number | null>(n).fill(null),
      };
      byPid.set(r.pid, series);
    }
    series.cpuUtilization[r.step] = r.cpu;
    series.rssBytes[r.step] = r.rss;
    series.heapUsedBytes[r.step] = r.heap;
    series.eventLoopDelayP99Ms[r.step] = r.eld;
  }
  return { stepMinutes: steps.stepMinutes, timesUs: steps.timesUs, processes: [...byPid.values()] };
}
