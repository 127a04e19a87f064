import { diag } from '@opentelemetry/api';
import type { Database } from 'better-sqlite3';

/** A unit of rows written in one transaction, with the statements prepared for the database. */
export interface WriteWork<S> {
  readonly rows: number;
  apply(statements: S, db: Database): void;
}

/**
 * A writer's pending work, oldest first, and what became of the work that left it (written, or
 * dropped: past the bound, or at shutdown). Bounded in rows: while the database cannot be written
 * the queue keeps the newest `maxRows` and drops the oldest beyond, with one warning. Work leaves
 * in submission order, so "everything submitted before" is a count of units.
 */
export class WriteQueue<S> {
  private readonly units: WriteWork<S>[] = [];
  private rows = 0;
  private written = 0;
  private dropped = 0;
  private submittedUnits = 0;
  private settledUnits = 0;
  /** Flushes waiting, each for the units submitted before it to settle. */
  private waiters: { readonly upTo: number; readonly resolve: () => void }[] = [];

  constructor(
    private readonly file: string,
    private readonly maxRows: number,
  ) {}

  /** The queued units, oldest first (the transaction reads them from the head). */
  get pending(): readonly WriteWork<S>[] {
    return this.units;
  }

  get rowsPending(): number {
    return this.rows;
  }

  get rowsWritten(): number {
    return this.written;
  }

  get rowsDropped(): number {
    return this.dropped;
  }

  /** Units that left the queue (written or dropped) since it was made, in submission order. */
  get unitsSettled(): number {
    return this.settledUnits;
  }

  /** Whether a flush is waiting (background checkpoints then do not hold the writing up). */
  get flushWaiting(): boolean {
    return this.waiters.length > 0;
  }

  /** Queues a unit, dropping the oldest past the bound. */
  push(work: WriteWork<S>): void {
    this.submittedUnits++;
    this.units.push(work);
    this.rows += work.rows;
    let dropped = 0;
    while (this.rows > this.maxRows && this.units.length > 1) {
      const oldest = this.units.shift()!;
      this.rows -= oldest.rows;
      dropped += oldest.rows;
      this.settledUnits++;
    }
    if (dropped === 0) return;
    if (this.dropped === 0) {
      diag.warn(`transcriber: ${this.file}: more than ${this.maxRows} rows waiting; dropping the oldest`);
    }
    this.dropped += dropped;
    this.resolveWaiters();
  }

  /** The first `count` units were committed. */
  committed(count: number): void {
    for (const work of this.units.splice(0, count)) {
      this.rows -= work.rows;
      this.written += work.rows;
    }
    this.settledUnits += count;
    this.resolveWaiters();
  }

  /** Drops a unit that never entered the queue (submitted after shutdown). */
  refuse(work: WriteWork<S>): void {
    this.dropped += work.rows;
  }

  /** Drops every queued unit (shutdown); returns how many rows. */
  dropAll(): number {
    const rows = this.rows;
    this.dropped += rows;
    this.settledUnits += this.units.length;
    this.units.length = 0;
    this.rows = 0;
    this.resolveWaiters();
    return rows;
  }

  /** Resolves once every unit submitted before the call has left the queue (or at `releaseWaiters`). */
  whenSettled(): Promise<void> {
    if (this.settledUnits === this.submittedUnits) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo: this.submittedUnits, resolve }));
  }

  /** Resolves every waiting flush now (a fault holds the rest; shutdown). */
  releaseWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const settled = this.settledUnits;
    const still = this.waiters.filter((w) => w.upTo > settled);
    if (still.length === this.waiters.length) return;
    const done = this.waiters.filter((w) => w.upTo <= settled);
    this.waiters = still;
    for (const waiter of done) waiter.resolve();
  }
}
