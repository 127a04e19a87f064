import type { Database } from 'better-sqlite3';
import { ATTR_OPERATION_LOOP_IDLE, INSTRUMENTATION_SCOPE } from '@transcriber/instrumentation/names';
import { resourceCondition, spanScope, type ServiceFilter } from './serviceScope';
import type { TimeWindow } from './types';

export interface LoopBusyFilter extends TimeWindow, ServiceFilter {
  component: string;
  /** The newest this many operations of the window are read (a JSON field each). Default 10,000. */
  limit?: number;
}

/** How much of a component's operation time the event loop was busy: evidence that they compute. */
export interface LoopBusy {
  /** Operations read: recorded by our instrumentation, which measures the loop. */
  operations: number;
  /** Their summed duration, ms. */
  durationMs: number;
  /** Of it, the time the event loop was idle (waiting for I/O and timers), ms. */
  idleMs: number;
  /** `1 - idleMs / durationMs`: the share of their time the loop was busy, with them or other work. */
  busyShare: number;
}

/**
 * The event loop's busy share over a component's operations in the window, from the loop's idle
 * time each asynchronous operation records (ATTR_OPERATION_LOOP_IDLE; a synchronous one holds the
 * loop throughout and records none). Only operations of our instrumentation count: spans received
 * from elsewhere say nothing about the loop. Undefined when there are none.
 */
export function loopBusy(db: Database, filter: LoopBusyFilter): LoopBusy | undefined {
  const resources = resourceCondition(spanScope(db, filter), 'resource_id');
  const row = db
    .prepare(
      `SELECT count(*) AS operations, total(duration_ms) AS durationMs, total(idle) * 1000 AS idleMs
         FROM (SELECT duration_ms, json_extract(attributes, ?) AS idle
                 FROM spans INDEXED BY spans_component_start
                WHERE component = ? AND start_us >= ? AND start_us < ? AND scope = ? AND ${resources}
                ORDER BY start_us DESC LIMIT ?)`,
    )
    .get(
      `$."${ATTR_OPERATION_LOOP_IDLE}"`,
      filter.component,
      filter.sinceUs,
      filter.untilUs ?? Number.MAX_SAFE_INTEGER,
      INSTRUMENTATION_SCOPE,
      filter.limit ?? 10_000,
    ) as { operations: number; durationMs: number; idleMs: number };
  if (row.operations === 0 || row.durationMs <= 0) return undefined;
  const idleMs = Math.min(row.idleMs, row.durationMs);
  return { ...row, idleMs, busyShare: 1 - idleMs / row.durationMs };
}
