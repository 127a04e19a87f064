import type { Database } from 'better-sqlite3';
import type { WriteWork } from './writeQueue';

/**
 * An open database with its prepared statements, writing queued work in transactions that end by
 * a deadline: consecutive units share a transaction (one commit per slice rather than per unit:
 * commits are most of SQLite's cost per row), and the deadline is checked between units, so a
 * slice ends at most one unit past its budget. The commit comes after the last unit, so the body
 * leaves it the time the previous commit took.
 */
export class TransactionSlicer<S> {
  private readonly transaction: (units: readonly WriteWork<S>[], deadline: number) => number;
  /** How long the last commit took: the next slice leaves room for its own. */
  private lastCommitMs = 0;
  private bodyEnd = 0;

  /** `beforeCommit` runs inside each transaction after its last unit (state the units built up is written). */
  constructor(
    readonly db: Database,
    readonly statements: S,
    beforeCommit: (statements: S) => void,
  ) {
    // BEGIN IMMEDIATE: the write lock is taken (waiting up to the busy timeout) before any unit
    // reads. In a deferred transaction a unit that reads first (a prune by row count) pins a
    // snapshot; another process committing before its first write makes that write fail with
    // SQLITE_BUSY_SNAPSHOT, which no wait fixes — at shutdown, rows lost.
    this.transaction = db.transaction((units: readonly WriteWork<S>[], deadline: number) => {
      let applied = 0;
      do units[applied++].apply(statements, db);
      while (applied < units.length && performance.now() < deadline);
      beforeCommit(statements);
      this.bodyEnd = performance.now();
      return applied;
    }).immediate;
  }

  /**
   * Applies units from the head of `units` (at least one) in one transaction, until `deadline`
   * less the room for the commit (at most half of `budgetMs`); returns how many were committed.
   * Throws when the transaction failed (it was rolled back).
   */
  write(units: readonly WriteWork<S>[], deadline: number, budgetMs: number): number {
    const applied = this.transaction(units, deadline - Math.min(this.lastCommitMs, budgetMs / 2));
    this.lastCommitMs = performance.now() - this.bodyEnd;
    return applied;
  }
}
