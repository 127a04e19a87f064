import type { Database } from 'better-sqlite3';
import type { DatabaseName } from './database/databaseFiles';
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
  db.transaction(() => {
    for (const table of retainedTables(name)) {
      const timeColumn = table === 'spans' ? 'start_us' : 'time_us';
      let deleted = 0;
      if (policy.maxAgeDays !== undefined) {
        const cutoffUs = Math.round((nowMs - policy.maxAgeDays * 86_400_000) * 1000);
        deleted += db.prepare(`DELETE FROM ${table} WHERE ${timeColumn} < ?`).run(cutoffUs).changes;
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
  })();
  return results;
}

/**
 * The per-minute rollup follows the spans: minutes before the one of the oldest span left are
 * deleted (all of them when no span is left), whichever rule pruned the spans.
 */
function pruneSpanRollup(db: Database): void {
  const oldestUs = db.prepare('SELECT min(start_us) FROM spans').pluck().get() as number | null;
  if (oldestUs === null) db.prepare('DELETE FROM span_rollup').run();
  else db.prepare('DELETE FROM span_rollup WHERE minute_us < ?').run(minuteOf(oldestUs));
}
