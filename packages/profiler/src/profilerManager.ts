import { context as otelContext, diag, type Context } from '@opentelemetry/api';
import {
  EVENT_PROFILE_RESULT,
  getOperationProfiler,
  setOperationProfiler,
  type OperationProfiler,
} from '@transcriber/instrumentation';
import { createEventEmitter, type EventEmitter } from '@transcriber/storage/events';
import { InspectorSession } from './inspectorSession';
import { assessLeak, type HeapReading, type LeakVerdict } from './memory/assessLeak';
import { HeapRecording } from './memory/heapRecording';
import { recordProcessProfile, type ProcessProfileOptions } from './processProfile';
import { operationProfileAttributes, processProfileAttributes } from './profileEvent';
import { writeProfileFile } from './profileFiles';
import type { ProcessProfileResults, ProfileResults } from './profileResults';
import { ProfilerContext } from './profilerContext';
import { resolveProfilerOptions, type ProfilerOptions, type ResolvedProfilerOptions } from './profilerOptions';

// Leak histories are per component/operation; names are code constants in practice, the cap
// keeps a caller that builds them from data from growing memory without bound.
const MAX_LEAK_HISTORIES = 1000;
const MAX_IDLE_SESSIONS = 2;

/**
 * Profiles operations of this process and publishes the results: a `transcriber.profile.result`
 * event per profile (to `profile_results.db` through the SDK's logger provider, or a private one
 * when no SDK runs) and the raw `.cpuprofile` / `.heapprofile` files.
 *
 * `register()` makes it the profiler behind `monitorComponentPerformance(..., { enableProfiling })`.
 */
export class ProfilerManager implements OperationProfiler {
  readonly dataDir: string;
  readonly options: ResolvedProfilerOptions;
  private readonly idleSessions: InspectorSession[] = [];
  private heapSession: InspectorSession | undefined;
  private heapBusy = false;
  private readonly leakHistories = new Map<string, HeapReading[]>();
  private emitter: EventEmitter | undefined;
  private readonly pending = new Set<Promise<void>>();
  private processProfileRunning = false;

  constructor(dataDir: string, options: ProfilerOptions = {}) {
    this.dataDir = dataDir;
    this.options = resolveProfilerOptions(dataDir, options);
  }

  /** Whether the next operation is to be profiled (`sampleRate`). */
  shouldProfile(): boolean {
    const rate = this.options.sampleRate;
    return rate >= 1 || (rate > 0 && this.options.random() < rate);
  }

  /** A context for one operation; `enableMemory` defaults to the manager's option. */
  context(component: string, operation: string, options: { enableMemory?: boolean } = {}): ProfilerContext {
    return new ProfilerContext(this, component, operation, {
      enableMemory: options.enableMemory ?? this.options.enableMemory,
    });
  }

  /**
   * OperationProfiler: runs `fn`, profiling it when sampling picks it. Returns exactly what `fn`
   * returns and rethrows its errors; a profiler failure never reaches the caller.
   */
  profile<T>(component: string, operation: string, fn: () => T): T {
    if (!this.shouldProfile()) return fn();
    const ctx = this.context(component, operation).analyseLater();
    try {
      ctx.begin();
    } catch (err) {
      diag.error(`transcriber: could not start profiling ${component}.${operation}`, err);
      return fn();
    }
    return ctx.run(fn);
  }

  /** Profiles the whole process for a while, attributing CPU to the component operations running. */
  profileProcess(options: ProcessProfileOptions): Promise<ProcessProfileResults> {
    if (this.processProfileRunning) return Promise.reject(new Error('a process profile is already running'));
    this.processProfileRunning = true;
    return recordProcessProfile(this, options).finally(() => {
      this.processProfileRunning = false;
    });
  }

  /** Makes this the profiler of `monitorComponentPerformance(..., { enableProfiling: true })`. */
  register(): this {
    setOperationProfiler(this);
    return this;
  }

  unregister(): void {
    if (getOperationProfiler() === this) setOperationProfiler(undefined);
  }

  /** Resolves once every result so far is analysed and its event exported. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.emitter?.flush();
  }

  /** Flushes, unregisters and releases the inspector sessions. */
  async shutdown(): Promise<void> {
    this.unregister();
    await this.flush();
    await this.emitter?.shutdown();
    this.emitter = undefined;
    for (const session of this.idleSessions.splice(0)) session.disconnect();
    this.heapSession?.disconnect();
    this.heapSession = undefined;
  }

  // --- used by ProfilerContext and the process profile -----------------------------------------

  /** An inspector session with the Profiler domain enabled. */
  leaseSession(): InspectorSession {
    const idle = this.idleSessions.pop();
    if (idle !== undefined) return idle;
    const session = new InspectorSession();
    session.post('Profiler.enable');
    return session;
  }

  returnSession(session: InspectorSession): void {
    if (this.idleSessions.length < MAX_IDLE_SESSIONS) this.idleSessions.push(session);
    else session.disconnect();
  }

  /** Starts heap sampling, or returns undefined when it already runs (V8 has one per process). */
  startHeapRecording(): HeapRecording | undefined {
    if (this.heapBusy) return undefined;
    this.heapSession ??= new InspectorSession();
    const recording = HeapRecording.start(this.heapSession, this.options.heapSamplingIntervalBytes);
    this.heapBusy = true;
    return recording;
  }

  endHeapRecording(): void {
    this.heapBusy = false;
  }

  /** Adds one run's heap reading to its operation's history and judges the recent runs. */
  assessRun(key: string, reading: HeapReading): LeakVerdict {
    let history = this.leakHistories.get(key);
    if (history === undefined) {
      if (this.leakHistories.size >= MAX_LEAK_HISTORIES) this.leakHistories.clear();
      this.leakHistories.set(key, (history = []));
    }
    history.push(reading);
    if (history.length > this.options.leakWindow) history.shift();
    return assessLeak(history, this.leakOptions());
  }

  leakOptions(): { minRuns: number; thresholdBytesPerRun: number } {
    return { minRuns: this.options.leakMinRuns, thresholdBytesPerRun: this.options.leakThresholdBytes };
  }

  /** Writes a raw profile; returns its path, or undefined (with a warning) when it cannot. */
  writeFile(filePath: string, profile: unknown): string | undefined {
    try {
      writeProfileFile(filePath, profile);
      return filePath;
    } catch (err) {
      diag.warn(`transcriber: could not write profile ${filePath}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Emits the result event, attached to the span that was active when profiling started. */
  publish(results: ProfileResults, parent: Context): void {
    this.emit(operationProfileAttributes(results), parent);
  }

  publishProcess(results: ProcessProfileResults): void {
    this.emit(processProfileAttributes(results), otelContext.active());
  }

  /** Runs `work` on a later turn of the event loop; `flush()` waits for it. */
  later(work: () => void): void {
    const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private emit(attributes: Parameters<EventEmitter['emit']>[1], parent: Context): void {
    // Made on first use: an SDK started after this manager was built is then the one used.
    this.emitter ??= createEventEmitter({ dataDir: this.dataDir });
    const emitter = this.emitter;
    otelContext.with(parent, () => emitter.emit(EVENT_PROFILE_RESULT, attributes));
  }
}
