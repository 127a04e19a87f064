import { context as otelContext, diag, trace, type Context } from '@opentelemetry/api';
import { isPromise } from 'node:util/types';
import { attributeSamples } from './attribution/attributeSamples';
import { operationTimeline, type TimelineOperation, type TimelineSlice } from './attribution/operationTimeline';
import type { CpuProfile } from './cpu/cpuProfile';
import { analyzeCpuProfile } from './cpu/hotSpots';
import { attributionPathOf, sampleAttribution } from './flame/sampleAttribution';
import { instrumentationDirs } from './instrumentationDirs';
import { sampleTimes } from './cpu/sampleTimes';
import { startCpuProfile } from './cpu/startCpuProfile';
import type { InspectorSession } from './inspectorSession';
import { allocationHotSpots } from './memory/allocationHotSpots';
import type { HeapCapture, HeapRecording } from './memory/heapRecording';
import { profileFileBase } from './profileFiles';
import type { ProfileResults } from './profileResults';
import type { ProfilerManager } from './profilerManager';

export interface ProfilerContextOptions {
  /** Add heap sampling, heap before/after and the leak verdict. Default false. */
  enableMemory?: boolean;
}

/** What `stop` captured, before it is analysed. */
interface Capture {
  stopUs: number;
  cpu: CpuProfile;
  slice: TimelineSlice;
  heap?: HeapCapture;
}

type State = 'new' | 'running' | 'stopped';

/**
 * Profiles one component operation: CPU samples (V8's sampling profiler) and, with `enableMemory`,
 * the sampling heap profiler with a forced GC at both ends. Samples of other work that interleaves
 * with an async operation are left out (see OperationTimeline).
 *
 * ```ts
 * const result = new ProfilerContext(profiler, 'stt', 'transcribe').run(() => transcribe(audio));
 * // or: await using ctx = new ProfilerContext(profiler, 'stt', 'transcribe').start();
 * ```
 */
export class ProfilerContext implements Disposable, AsyncDisposable {
  readonly component: string;
  readonly operation: string;
  private readonly enableMemory: boolean;
  private state: State = 'new';
  private startedAt = new Date();
  private startUs = 0;
  private parentContext: Context = otelContext.active();
  private timelineOp: TimelineOperation | undefined;
  private restoreStore: number | undefined;
  private handleStyle = false;
  private deferred = false;
  private session: InspectorSession | undefined;
  private heap: HeapRecording | undefined;
  private memoryUnavailable: string | undefined;
  private capture: Capture | undefined;
  private fileBase = '';
  private results: ProfileResults | undefined;

  constructor(
    private readonly profiler: ProfilerManager,
    component: string,
    operation: string,
    options: ProfilerContextOptions = {},
  ) {
    this.component = component;
    this.operation = operation;
    this.enableMemory = options.enableMemory === true;
  }

  /**
   * Starts profiling; what this synchronous execution does next, and the async work it starts,
   * belongs to the operation until `stop()`. Prefer `run(fn)`, which scopes that exactly.
   */
  start(): this {
    this.begin();
    this.handleStyle = true;
    this.restoreStore = operationTimeline().enterAs(this.timelineOp!);
    return this;
  }

  /**
   * Profiles `fn` and returns exactly what it returns (the same promise for async work; errors are
   * rethrown). Results are ready once it returned or settled.
   */
  run<T>(fn: () => T): T {
    if (this.state === 'new') this.begin();
    else if (this.state !== 'running' || this.handleStyle) {
      throw new Error(`profile of ${this.component}.${this.operation} was already started`);
    }
    let result: T;
    try {
      result = operationTimeline().runAs(this.timelineOp!, fn);
    } catch (err) {
      this.finishQuietly();
      throw err;
    }
    if (isPromise(result)) {
      // Side branch: the caller keeps its own promise and sees its rejection unchanged.
      const settled = () => this.finishQuietly();
      result.then(settled, settled);
    } else {
      this.finishQuietly();
    }
    return result;
  }

  /**
   * Leaves analysis, file writing and the result event of `run` to a later turn of the event loop,
   * off the operation's own time (`profiler.flush()` waits for them). Call before `run`.
   */
  analyseLater(): this {
    this.deferred = true;
    return this;
  }

  /** Stops profiling, analyses, writes the raw profiles and emits the result event. */
  stop(): ProfileResults {
    this.stopRecording();
    return this.getProfileResults();
  }

  /** The results; analysed on first call after `stop()`. */
  getProfileResults(): ProfileResults {
    if (this.results !== undefined) return this.results;
    if (this.capture === undefined)
      throw new Error(`profile of ${this.component}.${this.operation} has not stopped yet`);
    this.results = this.analyse(this.capture);
    this.capture = undefined;
    this.profiler.publish(this.results, this.parentContext);
    return this.results;
  }

  [Symbol.dispose](): void {
    if (this.state === 'running') this.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this[Symbol.dispose]();
    await this.profiler.flush();
  }

  // --- internals shared with ProfilerManager.profile() -----------------------------------------

  /** Starts the profilers (throws if the inspector cannot). */
  begin(): void {
    if (this.state !== 'new') throw new Error(`profile of ${this.component}.${this.operation} was already started`);
    const timeline = operationTimeline();
    timeline.acquire();
    try {
      this.parentContext = otelContext.active();
      this.startedAt = new Date();
      this.fileBase = profileFileBase(
        this.profiler.options.outputDir,
        `${this.component}.${this.operation}`,
        this.startedAt,
      );
      if (this.enableMemory) {
        this.heap = this.profiler.startHeapRecording();
        if (this.heap === undefined) this.memoryUnavailable = 'another memory profile was running';
      }
      this.session = this.profiler.leaseSession();
      startCpuProfile(this.session, this.profiler.options.samplingIntervalUs);
      this.timelineOp = timeline.startOperation(this.component, this.operation);
      this.startUs = timeline.nowUs();
      this.state = 'running';
    } catch (err) {
      this.abandon();
      throw err;
    }
  }

  /** Stops the profilers and keeps what they recorded (cheap; analysis comes later). */
  stopRecording(): void {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    const timeline = operationTimeline();
    const stopUs = timeline.nowUs();
    if (this.handleStyle) timeline.leave(this.timelineOp!, this.restoreStore);
    try {
      const cpu = this.session!.post<{ profile: CpuProfile }>('Profiler.stop').profile;
      const heap = this.heap?.finish();
      const slice = timeline.slice(this.startUs, stopUs);
      this.capture = { stopUs, cpu, slice, heap };
      this.markSpan(cpu);
    } finally {
      this.profiler.returnSession(this.session!);
      this.session = undefined;
      if (this.heap !== undefined) this.profiler.endHeapRecording();
      this.heap = undefined;
      timeline.release();
    }
  }

  private finishQuietly(): void {
    try {
      this.stopRecording();
    } catch (err) {
      diag.error(`transcriber: stopping the profile of ${this.component}.${this.operation} failed`, err);
      return;
    }
    const analyse = () => {
      try {
        this.getProfileResults();
      } catch (err) {
        diag.error(`transcriber: analysing the profile of ${this.component}.${this.operation} failed`, err);
      }
    };
    if (this.deferred) this.profiler.later(analyse);
    else analyse();
  }

  private abandon(): void {
    if (this.heap !== undefined) {
      this.heap.abandon();
      this.profiler.endHeapRecording();
      this.heap = undefined;
    }
    if (this.session !== undefined) {
      try {
        this.session.post('Profiler.stop');
      } catch {
        // not started
      }
      this.profiler.returnSession(this.session);
      this.session = undefined;
    }
    operationTimeline().release();
    this.state = 'stopped';
  }

  /** A span event on the profiled operation's span, while it is still open. */
  private markSpan(cpu: CpuProfile): void {
    const span = trace.getSpan(this.parentContext);
    if (span === undefined || !span.isRecording()) return;
    try {
      span.addEvent('transcriber.profile', {
        'transcriber.profile.sample_count': cpu.samples?.length ?? 0,
        'transcriber.profile.duration_ms': (cpu.endTime - cpu.startTime) / 1000,
        ...(this.profiler.options.writeFiles
          ? { 'transcriber.profile.cpuprofile_path': `${this.fileBase}.cpuprofile` }
          : {}),
      });
    } catch (err) {
      diag.error('transcriber: marking the profiled span failed', err);
    }
  }

  private analyse(capture: Capture): ProfileResults {
    const { cpu, slice, heap } = capture;
    const options = this.profiler.options;
    const times = sampleTimes(cpu);
    const owners = attributeSamples(times.timesUs, slice);
    const opId = this.timelineOp!.id;
    // The operation's own samples: taken in its window while it (or something it started) ran.
    const own = (s: number) =>
      times.timesUs[s] >= this.startUs &&
      times.timesUs[s] <= capture.stopUs &&
      slice.operations.runsInside(owners[s], opId);
    const analysis = analyzeCpuProfile(cpu, times, own, { topFunctions: options.topFunctions });
    const results: ProfileResults = {
      component: this.component,
      operation: this.operation,
      startedAt: this.startedAt.toISOString(),
      durationMs: (capture.stopUs - this.startUs) / 1000,
      sampleCount: analysis.sampleCount,
      cpuMs: analysis.cpuMs,
      topFunctions: analysis.topFunctions,
      callGraph: analysis.callGraph,
    };
    if (this.memoryUnavailable !== undefined) results.memoryUnavailable = this.memoryUnavailable;
    if (heap !== undefined) {
      const retainedHotSpots = allocationHotSpots(heap.retained, options.topFunctions);
      const reading = { beforeBytes: heap.beforeBytes, afterBytes: heap.afterBytes, retained: retainedHotSpots };
      results.memory = {
        heapUsedBeforeBytes: heap.beforeBytes,
        heapUsedAfterBytes: heap.afterBytes,
        heapGrowthBytes: heap.afterBytes - heap.beforeBytes,
        allocationHotSpots: allocationHotSpots(heap.live, options.topFunctions),
        retainedHotSpots,
        leak: this.profiler.assessRun(`${this.component}\0${this.operation}`, reading),
      };
    }
    if (options.writeFiles) {
      results.cpuProfilePath = this.profiler.writeFile(`${this.fileBase}.cpuprofile`, cpu);
      // Beside it, the component of each of the operation's samples (its own, or a nested
      // operation's); other work's samples have none.
      if (results.cpuProfilePath !== undefined) {
        const ownerOf = (s: number) => {
          if (!own(s)) return undefined;
          const component = slice.operations.componentOf(owners[s]) ?? this.component;
          return { component, operation: slice.operations.operationOf(owners[s]) ?? this.operation };
        };
        this.profiler.writeFile(
          attributionPathOf(results.cpuProfilePath),
          sampleAttribution(owners.length, ownerOf, instrumentationDirs()),
        );
      }
      if (heap !== undefined)
        results.heapProfilePath = this.profiler.writeFile(`${this.fileBase}.heapprofile`, heap.live);
    }
    return results;
  }
}
