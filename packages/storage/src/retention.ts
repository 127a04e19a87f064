import type { Database } from 'better-sqlite3';
import type { DatabaseName } from './database/databaseFiles';
import { spanComponents, spanStartRange } from './database/spanComponents';
import { minuteOf } from './rollup/latencyBuckets';
import { retainedTables } from './schema/schemas';

/** How much history to keep. Either limit may be left out. */
export interface RetentionPolicy {
  /** Rows older than this many days are deleted. */
  maxAgeDays?: number;
  /** Each table keeps at most this many rows, the newest. */
  maxRowsPerTable?: number;
}

export interface PruneResult {
  table: string;
  deleted: number;
}

/**
 * Deletes rows past the retention policy from every retained table of a database (in its own
 * transaction). Space is reused by later inserts; `VACUUM` returns it to the file system.
 */
export function pruneDatabase(
  db: Database,
  name: DatabaseName,
  policy: RetentionPolicy,
  nowMs = Date.now(),
): PruneResult[] {
  const results: PruneResult[] = [];
  // IMMEDIATE: the write lock first (waiting out another process's), then the reads the deletes
  // depend on. Reading first would pin a snapshot that another process's commit makes stale, and
  // the deletes would then fail at once (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out).
  // Inside the writer's transaction this is a savepoint, under the lock that one already holds.
  db.transaction(() => {
    for (const table of retainedTables(name)) {
      let deleted = 0;
      if (policy.maxAgeDays !== undefined) {
        const cutoffUs = Math.round((nowMs - policy.maxAgeDays * 86_400_000) * 1000);
        deleted +=
          table === 'spans'
            ? deleteSpansBefore(db, cutoffUs)
            : db.prepare(`DELETE FROM ${table} WHERE time_us < ?`).run(cutoffUs).changes;
      }
      if (policy.maxRowsPerTable !== undefined) {
        // Ids grow with insertion order, so the newest N rows are the N highest ids.
        const threshold = db
          .prepare(`SELECT id FROM ${table} ORDER BY id DESC LIMIT 1 OFFSET ?`)
          .pluck()
          .get(policy.maxRowsPerTable) as number | undefined;
        if (threshold !== undefined) deleted += db.prepare(`DELETE FROM ${table} WHERE id <= ?`).run(threshold).changes;
      }
      results.push({ table, deleted });
    }
    // Derived data, not history of its own: pruned along, not reported.
    if (name === 'performance_metrics') pruneSpanRollup(db);
  }).immediate();
  return results;
}

/**
 * Spans' start times are indexed per component only (spans_component_start): the old ones are
 * deleted one component at a time, each an index range, those without a component too.
 */
function deleteSpansBefore(db: Database, cutoffUs: number): number {
  let deleted = db
    .prepare('DELETE FROM spans INDEXED BY spans_component_start WHERE component IS NULL AND start_us < ?')
    .run(cutoffUs).changes;
  const older = db.prepare('DELETE FROM spans INDEXED BY spans_component_start WHERE component = ? AND start_us < ?');
  for (const component of spanComponents(db)) deleted += older.run(component, cutoffUs).changes;
  return deleted;
}

/**
 * The per-minute rollup follows the spans: minutes before the one of the oldest span left are
 * deleted (all of them when no span is left), whichever rule pruned the spans.
 */
function pruneSpanRollup(db: Database): void {
  const { oldestUs } = spanStartRange(db);
  if (oldestUs === null) db.prepare('DELETE FROM span_rollup').run();
  else db.prepare('DELETE FROM span_rollup WHERE minute_us < ?').run(minuteOf(oldestUs));
}
