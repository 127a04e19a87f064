import type { Database } from 'better-sqlite3';
import * as path from 'node:path';
import { databasePath, type DatabaseName } from '../database/databaseFiles';
import { pruneDatabase, type RetentionPolicy } from '../retention';
import { EVENT_DATABASE_SCHEMAS } from '../schema/schemas';
import { DatabaseWriter } from './databaseWriter';
import { prepareEventStatements, type EventStatements } from './eventStatements';
import { PerformanceWriter } from './performanceWriter';
import type { StorageFault } from './storageFault';

export type EventDatabaseName = Exclude<DatabaseName, 'performance_metrics'>;

export interface SqliteStorageOptions {
  /** Retention applied when a database is first written and then hourly. Default: 30 days. */
  retention?: RetentionPolicy;
  /** Rows kept in memory per database while it cannot be written. Default 100,000. */
  maxPendingRows?: number;
  /**
   * Called with each connection a writer opens, before use (per-connection pragmas; tests simulate
   * a full disk). With it, `performance_metrics.db` is written on the app's thread, not a worker.
   */
  afterOpen?(db: Database, name: DatabaseName): void;
  /**
   * How long rows of `performance_metrics.db` written on the app's thread wait for more before a
   * transaction, ms (default 0: the next turn; the worker thread, past 1,000 rows a second, gathers
   * for 10 ms). For producers on timers of their own — the preload's span batches and resource
   * samples, a second apart each — a second's gathering makes one commit of their two. A flush
   * writes at once; a process killed outright loses up to this much more.
   */
  gatherMs?: number;
}

/** What the storage needs of each of its writers. */
type Writer = Pick<
  DatabaseWriter<unknown>,
  'file' | 'rowsPending' | 'currentFault' | 'whenIdle' | 'drainSync' | 'close'
>;

const PRUNE_EVERY_MS = 3_600_000;
const DEFAULT_RETENTION: RetentionPolicy = { maxAgeDays: 30 };
const storages = new Map<string, SqliteStorage>();
let exitHookInstalled = false;

/**
 * The writers of one data directory, shared by every exporter that writes there (one connection
 * and one queue per file), created on first use and closed when the last exporter shuts down.
 * At process exit whatever is queued is written synchronously.
 */
export class SqliteStorage {
  readonly dataDir: string;
  private readonly options: SqliteStorageOptions;
  private performance: PerformanceWriter | undefined;
  private readonly events = new Map<EventDatabaseName, DatabaseWriter<EventStatements>>();
  private users = 0;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly pruners: ((policy: RetentionPolicy) => void)[] = [];

  /** The storage of `dataDir`, shared within the process. Call `release()` when done with it. */
  static acquire(dataDir: string, options: SqliteStorageOptions = {}): SqliteStorage {
    const key = path.resolve(dataDir);
    let storage = storages.get(key);
    if (storage === undefined) {
      storage = new SqliteStorage(key, options);
      storages.set(key, storage);
    }
    storage.users++;
    installExitHook();
    return storage;
  }

  private constructor(dataDir: string, options: SqliteStorageOptions) {
    this.dataDir = dataDir;
    this.options = options;
  }

  performanceWriter(): PerformanceWriter {
    if (this.performance === undefined) {
      const afterOpen = this.options.afterOpen;
      this.performance = new PerformanceWriter({
        file: databasePath(this.dataDir, 'performance_metrics'),
        maxPendingRows: this.options.maxPendingRows,
        gatherMs: this.options.gatherMs,
        afterOpen: afterOpen === undefined ? undefined : (db) => afterOpen(db, 'performance_metrics'),
      });
      const writer = this.performance;
      this.addPruning((policy) => writer.submit({ kind: 'prune', rows: 0, policy }));
    }
    return this.performance;
  }

  eventWriter(name: EventDatabaseName): DatabaseWriter<EventStatements> {
    const existing = this.events.get(name);
    if (existing !== undefined) return existing;
    const schema = EVENT_DATABASE_SCHEMAS[name];
    const writer = new DatabaseWriter({
      file: databasePath(this.dataDir, name),
      schema: { migrations: schema.migrations, prepare: (db) => prepareEventStatements(db, schema) },
      maxPendingRows: this.options.maxPendingRows,
      afterOpen: (db) => this.options.afterOpen?.(db, name),
    });
    this.events.set(name, writer);
    this.addPruning((policy) =>
      writer.submit({
        rows: 0,
        // A failure (e.g. another process's lock) is a storage fault like any other: reported
        // once by the writer, and the prune is retried with the rows queued behind it.
        apply: (_statements, db) => void pruneDatabase(db, name, policy),
      }),
    );
    return writer;
  }

  /** Resolves when every writer has written what it was given (or waits on a fault's retry). */
  async whenIdle(): Promise<void> {
    await Promise.all(this.writers().map((w) => w.whenIdle()));
  }

  /** Rows queued in memory across this data dir's writers: waiting to be written, or for a fault to clear. */
  get rowsPending(): number {
    let rows = 0;
    for (const writer of this.writers()) rows += writer.rowsPending;
    return rows;
  }

  /** The fault one of the writers is in, if any: while there is one, queued rows are not being written. */
  get currentFault(): StorageFault | undefined {
    for (const writer of this.writers()) if (writer.currentFault !== undefined) return writer.currentFault;
    return undefined;
  }

  /** Writes everything queued, synchronously. */
  drainSync(): void {
    for (const writer of this.writers()) writer.drainSync();
  }

  /** Writes everything queued and closes the databases, whoever still uses them: the process is ending. */
  closeAtExit(): void {
    for (const writer of this.writers()) writer.close();
  }

  /** One user is done; the last one closes the databases. */
  release(): void {
    if (this.users === 0) return;
    this.users--;
    if (this.users > 0) return;
    if (this.pruneTimer !== undefined) clearInterval(this.pruneTimer);
    for (const writer of this.writers()) writer.close();
    storages.delete(this.dataDir);
  }

  private writers(): Writer[] {
    const all: Writer[] = [...this.events.values()];
    if (this.performance !== undefined) all.push(this.performance);
    return all;
  }

  /** Prunes a new writer's database before its first rows, and every writer's hourly. */
  private addPruning(submitPrune: (policy: RetentionPolicy) => void): void {
    const policy = this.options.retention ?? DEFAULT_RETENTION;
    if (policy.maxAgeDays === undefined && policy.maxRowsPerTable === undefined) return;
    this.pruners.push(submitPrune);
    submitPrune(policy);
    if (this.pruneTimer === undefined) {
      this.pruneTimer = setInterval(() => {
        for (const prune of this.pruners) prune(policy);
      }, PRUNE_EVERY_MS);
      this.pruneTimer.unref();
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: better-sqlite3 is, so queued rows still get written.
  // Closed, not only drained: Node then terminates the writer and checkpointer threads, and a
  // thread must not be inside an SQLite call when that happens (see checkpointer.ts).
  process.once('exit', () => {
    for (const storage of storages.values()) storage.closeAtExit();
  });
}
