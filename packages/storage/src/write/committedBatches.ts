import BetterSqlite3 from 'better-sqlite3';
import { diag } from '@opentelemetry/api';
import type { PerformanceBatch } from './performanceBatch';

/**
 * How many of `batches` (in the order they were sent) are already in the file. A writer thread
 * that dies can have committed a transaction without having counted it yet (a thread is stopped
 * at any instruction, e.g. just after the commit returns): its batches must not be written twice.
 * Transactions hold whole batches in order, so the committed ones are a prefix, and a batch is in
 * the file exactly when its first row is. Prune batches hold no rows and are decided by the
 * batches around them (pruning again is harmless).
 */
export function committedBatches(file: string, batches: readonly PerformanceBatch[]): number {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const span = db.prepare('SELECT 1 FROM spans WHERE trace_id = ? AND span_id = ?').pluck();
    const point = db.prepare('SELECT 1 FROM metric_points WHERE name = ? AND start_us = ? AND time_us = ?').pluck();
    const snapshot = db.prepare('SELECT 1 FROM resource_snapshots WHERE time_us = ? AND pid IS ?').pluck();
    let committed = 0;
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i];
      let found: boolean | undefined;
      if (batch.kind === 'spans' && batch.rows > 0) {
        found = span.get(batch.values[0], batch.values[1]) !== undefined;
      } else if (batch.kind === 'metrics' && batch.points.length > 0) {
        found = point.get(batch.points[0], batch.points[5], batch.points[6]) !== undefined;
      } else if (batch.kind === 'metrics' && batch.snapshot !== null) {
        found = snapshot.get(batch.snapshot[0], batch.snapshot[1]) !== undefined;
      }
      if (found === false) break;
      if (found === true) committed = i + 1;
    }
    return committed;
  } catch (err) {
    // Unreadable: write everything again rather than lose any of it.
    diag.debug(`transcriber: ${file}: could not check which batches the writer thread committed`, err);
    return 0;
  } finally {
    db?.close();
  }
}
