import type { Database } from 'better-sqlite3';
import { growthEvidence, type GrowthEvidence } from './growthEvidence';
import { resourceCondition, resourceScope, type ServiceFilter } from './serviceScope';
import type { TimeWindow } from './types';

/** Memory of one process at one point of its history (averages over the point's time slice). */
export interface MemoryPoint {
  timeUs: number;
  samples: number;
  rssBytes: number | null;
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  externalBytes: number | null;
}

/** One process's memory over a window: history, first/last values and growth. */
export interface ProcessMemory {
  pid: number | null;
  serviceName: string | null;
  samples: number;
  firstUs: number;
  lastUs: number;
  firstRssBytes: number | null;
  lastRssBytes: number | null;
  firstHeapUsedBytes: number | null;
  lastHeapUsedBytes: number | null;
  maxRssBytes: number | null;
  maxHeapUsedBytes: number | null;
  /** Whether the samples are enough to judge growth from (growthEvidence: the rule everywhere). */
  growth: GrowthEvidence;
  /** Least-squares slope of RSS over time, bytes per minute; null unless `growth.sufficient`. */
  rssGrowthBytesPerMinute: number | null;
  /** Least-squares slope of V8 heap used over time, bytes per minute; null unless `growth.sufficient`. */
  heapUsedGrowthBytesPerMinute: number | null;
  /** At most `points` averages over equal slices of the time it was sampled, oldest first. */
  history: MemoryPoint[];
}

export interface MemoryHistoryFilter extends TimeWindow, ServiceFilter {
  /** History points per process (its sampled time is cut into this many slices). Default 30. */
  points?: number;
}

interface TrendRow {
  pid: number | null;
  samples: number;
  firstUs: number;
  lastUs: number;
  maxRss: number | null;
  maxHeap: number | null;
  rssSlope: number | null;
  heapSlope: number | null;
}

/**
 * Memory (RSS, V8 heap) of each process that sampled resources in the window, with its growth rate:
 * the least-squares slope over every sample, computed in SQL so only the summary leaves SQLite, and
 * given only when the samples are enough to judge growth from (growthEvidence).
 */
export function memoryHistory(db: Database, filter: MemoryHistoryFilter): ProcessMemory[] {
  const untilUs = filter.untilUs ?? Date.now() * 1000 + 1;
  const points = Math.max(1, Math.floor(filter.points ?? 30));
  const params = { since: filter.sinceUs, until: untilUs };
  const scope = resourceScope(db, filter);
  const resources = resourceCondition(scope, 'resource_id');
  // x in minutes from the window start keeps the sums well inside a double's precision.
  const trends = db
    .prepare(
      `SELECT pid, count(*) AS samples, min(time_us) AS firstUs, max(time_us) AS lastUs,
              max(rss) AS maxRss, max(heap) AS maxHeap,
              (count(rss) * sum(x * rss) - sum(CASE WHEN rss IS NOT NULL THEN x END) * sum(rss))
                / nullif(count(rss) * sum(CASE WHEN rss IS NOT NULL THEN x * x END)
                         - sum(CASE WHEN rss IS NOT NULL THEN x END) * sum(CASE WHEN rss IS NOT NULL THEN x END), 0) AS rssSlope,
              (count(heap) * sum(x * heap) - sum(CASE WHEN heap IS NOT NULL THEN x END) * sum(heap))
                / nullif(count(heap) * sum(CASE WHEN heap IS NOT NULL THEN x * x END)
                         - sum(CASE WHEN heap IS NOT NULL THEN x END) * sum(CASE WHEN heap IS NOT NULL THEN x END), 0) AS heapSlope
         FROM (SELECT pid, time_us, (time_us - @since) / 60000000.0 AS x,
                      rss_bytes AS rss, heap_used_bytes AS heap
                 FROM resource_snapshots INDEXED BY resource_snapshots_time
                WHERE time_us >= @since AND time_us < @until AND ${resources})
        GROUP BY pid ORDER BY pid`,
    )
    .all(params) as TrendRow[];
  const edge = db.prepare(
    `SELECT s.rss_bytes AS rss, s.heap_used_bytes AS heap, r.service_name AS serviceName
       FROM resource_snapshots s LEFT JOIN resources r ON r.id = s.resource_id
      WHERE s.pid IS ? AND s.time_us = ? AND ${resourceCondition(scope, 's.resource_id')}
      ORDER BY s.id LIMIT 1`,
  );
  const history = db.prepare(
    `SELECT min(time_us) AS timeUs, count(*) AS samples, avg(rss_bytes) AS rssBytes,
            avg(heap_used_bytes) AS heapUsedBytes, avg(heap_total_bytes) AS heapTotalBytes,
            avg(external_bytes) AS externalBytes
       FROM resource_snapshots INDEXED BY resource_snapshots_time
      WHERE time_us >= @first AND time_us <= @last AND pid IS @pid AND ${resources}
      GROUP BY CAST((time_us - @first) / @slice AS INTEGER) ORDER BY timeUs`,
  );
  return trends.map((t) => {
    const first = edge.get(t.pid, t.firstUs) as { rss: number | null; heap: number | null; serviceName: string | null };
    const last = edge.get(t.pid, t.lastUs) as { rss: number | null; heap: number | null };
    const growth = growthEvidence(t.samples, t.firstUs, t.lastUs);
    return {
      pid: t.pid,
      serviceName: first.serviceName,
      samples: t.samples,
      firstUs: t.firstUs,
      lastUs: t.lastUs,
      firstRssBytes: first.rss,
      lastRssBytes: last.rss,
      firstHeapUsedBytes: first.heap,
      lastHeapUsedBytes: last.heap,
      maxRssBytes: t.maxRss,
      maxHeapUsedBytes: t.maxHeap,
      growth,
      rssGrowthBytesPerMinute: growth.sufficient ? t.rssSlope : null,
      heapUsedGrowthBytesPerMinute: growth.sufficient ? t.heapSlope : null,
      // Slices of the time the process was sampled (not of the window), so a short run still
      // shows its course.
      history: (
        history.all({
          first: t.firstUs,
          last: t.lastUs,
          pid: t.pid,
          slice: Math.max(1, Math.ceil((t.lastUs - t.firstUs + 1) / points)),
        }) as MemoryPoint[]
      ).map((p) => ({
        ...p,
        rssBytes: roundOrNull(p.rssBytes),
        heapUsedBytes: roundOrNull(p.heapUsedBytes),
        heapTotalBytes: roundOrNull(p.heapTotalBytes),
        externalBytes: roundOrNull(p.externalBytes),
      })),
    };
  });
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
