import { diag } from '@opentelemetry/api';
import { classifyStorageError, describeFault, type StorageFault } from './storageFault';

const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Whether a writer's database can be written right now, and when it tries again if not. Each
 * fault is reported once through the OTel diagnostic logger (a warning); recovery at info level,
 * since it is no news to act on. Retries back off from 250 ms to 30 s and never keep the app alive.
 */
export class FaultState {
  private fault: StorageFault | undefined;
  private retryDelayMs = FIRST_RETRY_DELAY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly file: string) {}

  /** The current fault, if the database cannot be written right now. */
  get current(): StorageFault | undefined {
    return this.fault;
  }

  /** Whether a retry is scheduled. */
  get retrying(): boolean {
    return this.retryTimer !== undefined;
  }

  /** Records a failure (warned once per fault) and returns what kind it is. */
  enter(err: unknown): StorageFault {
    const fault = classifyStorageError(err);
    if (fault !== this.fault) {
      diag.warn(`transcriber: ${describeFault(fault, this.file, err)}`);
      this.fault = fault;
    }
    return fault;
  }

  /** The database was written: the fault, if any, is over. */
  recovered(): void {
    if (this.fault === undefined) return;
    diag.info(`transcriber: ${this.file} is writable again; pending telemetry written`);
    this.fault = undefined;
    this.retryDelayMs = FIRST_RETRY_DELAY_MS;
  }

  /** Runs `retry` after the current backoff delay (at once when `now`), unless one is scheduled. */
  scheduleRetry(retry: () => void, now = false): void {
    if (now) this.retryDelayMs = 0;
    if (this.retryTimer !== undefined || this.stopped) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, FIRST_RETRY_DELAY_MS), MAX_RETRY_DELAY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      retry();
    }, delay);
    // A retry must never keep the app alive; exit paths drain synchronously instead.
    this.retryTimer.unref();
  }

  /** Cancels a scheduled retry (a synchronous drain takes its place). */
  cancelRetry(): void {
    if (this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** No retry after shutdown. */
  stop(): void {
    this.stopped = true;
    this.cancelRetry();
  }
}
