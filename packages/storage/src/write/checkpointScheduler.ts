import type { Database } from 'better-sqlite3';
import { Checkpointer } from './checkpointer';

/** How often, at most, the writer asks its checkpointer to copy the WAL back while writing fast. */
const CHECKPOINT_EVERY_MS = 250;
/**
 * Rows committed since the last checkpoint from which the writer counts as writing fast. Below
 * it, a checkpoint waits for QUIET_CHECKPOINT_EVERY_MS: on an app that writes a few rows a second
 * (a voice agent's spans, a resource snapshot a second), a checkpoint after every commit cost more
 * than the commits themselves (its two disk syncs; and the commit after a checkpoint starts the
 * WAL over, measured at 1.2 ms a commit against 0.15 ms: docs/performance.md).
 */
const CHECKPOINT_AFTER_ROWS = 1_000;
/** How long a slow writer's WAL may go without a checkpoint (~1 MiB of WAL at a voice agent's rate). */
const QUIET_CHECKPOINT_EVERY_MS = 10_000;
/**
 * Longest the writer holds its commits for a running checkpoint: past it, another process's
 * writes or a long read keep it from finishing anyway.
 */
const MAX_CHECKPOINT_WAIT_MS = 1_000;
const SQLITE_DEFAULT_CHECKPOINT_PAGES = 1000;
/**
 * SQLite's own checkpoint, kept as a safety net, at 64 MiB of WAL (set in pages, so divided by the
 * file's page size: 4 KiB in files made by earlier versions, 16 KiB now). The background
 * checkpoint (every 250 ms) keeps the WAL far below this; bulk bursts may not.
 */
const SAFETY_NET_CHECKPOINT_BYTES = 64 * 2 ** 20;

/**
 * When a writer's WAL is copied back into the file, by a Checkpointer thread instead of inside its
 * commits (whose automatic checkpoint syncs the disk and stalls the event loop for tens of ms): at
 * most every 250 ms while writing fast (1,000 rows or more since the last checkpoint), every 10 s
 * while writing slowly, and once more after the last commit (at the same delay). The thread starts
 * with the first checkpoint, so a process that writes a few rows and ends never pays for it (its
 * exit drain and the connection's close checkpoint the little WAL there is).
 *
 * With `waitForCommits`, commits wait for a running checkpoint (up to 1 s, and not while a flush
 * waits) so that it copies the whole WAL and the next commit starts the WAL over: otherwise,
 * written to all the time, the WAL would only grow. Without, the WAL grows while writes never
 * pause, up to SQLite's own checkpoint at 64 MiB inside a commit: for a writer on a thread of its
 * own, where a commit may take that long, not the app's.
 */
export class CheckpointScheduler {
  private checkpointer: Checkpointer | undefined;
  /** Whether a checkpointer may be (or is) used: none failed to start or died. */
  private wanted = true;
  private db: Database | undefined;
  private lastRequest = 0;
  private rowsSinceRequest = 0;
  private requestTimer: NodeJS.Timeout | undefined;
  /** When the scheduled request falls due (performance.now() ms). */
  private requestDue = 0;
  private waitTimer: NodeJS.Timeout | undefined;
  private holding = false;

  /** `resume` is called when commits held for a checkpoint may go on. */
  constructor(
    private readonly file: string,
    private readonly waitForCommits: boolean,
    private readonly resume: () => void,
  ) {}

  /** Whether commits are held for a running checkpoint right now. */
  get holdingCommits(): boolean {
    return this.holding;
  }

  /** A connection was opened: its first checkpoint is counted from now. */
  opened(db: Database): void {
    this.db = db;
    this.lastRequest = performance.now();
    this.rowsSinceRequest = 0;
  }

  /**
   * Whether the next commit waits for the running checkpoint (for at most MAX_CHECKPOINT_WAIT_MS,
   * and not while `flushWaiting`). When it does, `resume` is called when the checkpoint is done or
   * the wait is up.
   */
  holdCommits(flushWaiting: boolean): boolean {
    if (!this.waitForCommits) return false;
    const runningFor = this.checkpointer?.runningForMs() ?? 0;
    if (runningFor === 0 || runningFor >= MAX_CHECKPOINT_WAIT_MS || flushWaiting) return false;
    this.holding = true;
    if (this.waitTimer === undefined) {
      this.waitTimer = setTimeout(() => this.release(), MAX_CHECKPOINT_WAIT_MS - runningFor);
      this.waitTimer.unref();
    }
    return true;
  }

  /**
   * Stops holding commits. A flush does not wait for a background checkpoint: its timers do not
   * keep the process alive, and an app awaiting the flush at its end would exit before its next line.
   */
  release(): void {
    this.holding = false;
    if (this.waitTimer !== undefined) {
      clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
    }
    this.resume();
  }

  /**
   * `rows` were committed: asks for a checkpoint CHECKPOINT_EVERY_MS after the last one once
   * CHECKPOINT_AFTER_ROWS rows were committed since, QUIET_CHECKPOINT_EVERY_MS after it before.
   */
  afterCommit(rows: number): void {
    if (!this.wanted) return;
    this.rowsSinceRequest += rows;
    const every = this.rowsSinceRequest >= CHECKPOINT_AFTER_ROWS ? CHECKPOINT_EVERY_MS : QUIET_CHECKPOINT_EVERY_MS;
    const due = this.lastRequest + every;
    if (this.requestTimer !== undefined) {
      if (due >= this.requestDue) return;
      clearTimeout(this.requestTimer);
      this.requestTimer = undefined;
    }
    const wait = due - performance.now();
    if (wait <= 0) {
      this.request();
      return;
    }
    this.requestDue = due;
    this.requestTimer = setTimeout(() => this.request(), wait);
    this.requestTimer.unref();
  }

  /**
   * The connection is closing: the checkpointer is closed first (waiting out a checkpoint in
   * progress, see checkpointer.ts), and nothing is held any more.
   */
  closing(): void {
    this.checkpointer?.close();
    this.checkpointer = undefined;
    this.holding = false;
    for (const timer of [this.requestTimer, this.waitTimer]) if (timer !== undefined) clearTimeout(timer);
    this.requestTimer = undefined;
    this.waitTimer = undefined;
    this.db = undefined;
  }

  private request(): void {
    if (this.requestTimer !== undefined) clearTimeout(this.requestTimer);
    this.requestTimer = undefined;
    this.lastRequest = performance.now();
    this.rowsSinceRequest = 0;
    if (this.checkpointer === undefined && this.wanted && this.db !== undefined) this.start(this.db);
    this.checkpointer?.request();
  }

  private start(db: Database): void {
    try {
      const checkpointer = new Checkpointer(
        this.file,
        () => this.release(),
        () => {
          // The thread died: SQLite's own checkpoint takes over again.
          if (this.checkpointer !== checkpointer) return;
          this.checkpointer = undefined;
          this.wanted = false;
          this.db?.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_CHECKPOINT_PAGES}`);
          this.release();
        },
      );
      // SQLite's own checkpoint stays as a safety net: it only runs if the WAL passes 64 MiB,
      // which happens only while the thread cannot finish (continuous bulk writes, a long reader).
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`wal_autocheckpoint = ${Math.round(SAFETY_NET_CHECKPOINT_BYTES / pageSize)}`);
      this.checkpointer = checkpointer;
    } catch {
      // No worker thread available: keep SQLite's automatic checkpoint.
      this.wanted = false;
    }
  }
}
