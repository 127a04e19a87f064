import { context, diag, trace } from '@opentelemetry/api';
import { createHook, type AsyncHook, AsyncLocalStorage } from 'node:async_hooks';
import { OperationTable } from './operationTable';

/** A component operation seen while the timeline recorded. */
export interface TimelineOperation {
  readonly id: number;
  readonly component: string;
  readonly operation: string;
  /** The operation it ran inside, or -1. */
  readonly parent: number;
}

/** Which operation ran when: what CPU samples are attributed with. */
export interface TimelineSlice {
  /** Transition times (µs, `process.hrtime` clock) with the operation running from then on (-1: none). */
  readonly timesUs: Float64Array;
  readonly operationIds: Int32Array;
  readonly operations: OperationTable;
  /** True when the transition cap was reached and later transitions were not recorded. */
  readonly truncated: boolean;
}

const NONE = -1;
const MAX_TRANSITIONS = 4_000_000;

/**
 * Records which component operation is running on this thread over time, so whole-process CPU
 * samples can be attributed to the innermost operation whose JavaScript was executing.
 *
 * JavaScript runs one piece at a time: every callback the event loop runs (timer, I/O, promise
 * continuation) is a *segment*, announced by async_hooks `before`/`after`. At a segment's start the
 * operation is read from what the segment inherited: the active OTel span (mapped to its operation
 * by the span processor) or a ProfilerContext's async-local id, whichever operation started later
 * (that is the inner one). Inside a segment, operations started and ended synchronously (span
 * start/end, ProfilerContext.run) push and pop. Limits: an async operation counts as running from
 * its start to the end of the segment that started it (its caller's code after the call, until the
 * next await, is charged to it); operations already running when recording starts are only seen
 * from their next continuation onward if they were not started through a ProfilerContext.
 */
export class OperationTimeline {
  private users = 0;
  private readonly hook: AsyncHook;
  private readonly contextOperation = new AsyncLocalStorage<number>();
  private readonly operations = new OperationTable();
  private readonly spanOperations = new Map<string, number>();
  private nextId = 1;
  // One stack of running operations per segment; segments nest when code re-enters the loop's
  // callbacks synchronously (AsyncResource.runInAsyncScope).
  private segments: number[][] = [[]];
  private times = new Float64Array(1024);
  private ids = new Int32Array(1024);
  private count = 0;
  private truncated = false;
  // performance.now() is the cheapest clock; profiles use hrtime. Same clock, different origin.
  private readonly originUs = Number(process.hrtime.bigint()) / 1000 - performance.now() * 1000;

  constructor() {
    this.hook = createHook({
      before: () => this.beginSegment(),
      after: () => this.endSegment(),
    });
  }

  get recording(): boolean {
    return this.users > 0;
  }

  /** Starts recording (counted: each `acquire` needs its `release`). */
  acquire(): void {
    if (this.users++ === 0) {
      this.operations.reset(this.nextId);
      this.hook.enable();
    }
  }

  /** Stops recording when the last user releases; everything recorded is dropped then. */
  release(): void {
    if (this.users === 0 || --this.users > 0) return;
    this.hook.disable();
    this.contextOperation.disable();
    this.spanOperations.clear();
    this.segments = [[]];
    this.count = 0;
    this.truncated = false;
  }

  /** Now, on the profile clock (µs). */
  nowUs(): number {
    return performance.now() * 1000 + this.originUs;
  }

  /** Registers an operation that starts now inside whatever is running. */
  startOperation(component: string, operation: string): TimelineOperation {
    const op = { id: this.nextId++, component, operation, parent: this.current() };
    if (this.users > 0) this.operations.add(op.id, component, operation, op.parent);
    return op;
  }

  /** Runs `fn` as `op`: its synchronous part here, its continuations through async-local state. */
  runAs<T>(op: TimelineOperation, fn: () => T): T {
    this.enter(op.id);
    try {
      return this.contextOperation.run(op.id, fn);
    } finally {
      this.exit(op.id);
    }
  }

  /**
   * Makes `op` current for the rest of this synchronous execution and what it schedules (for
   * start/stop handles, which have no callback to wrap). Returns what to restore at the end.
   */
  enterAs(op: TimelineOperation): number | undefined {
    const previous = this.contextOperation.getStore();
    this.contextOperation.enterWith(op.id);
    this.enter(op.id);
    return previous;
  }

  leave(op: TimelineOperation, previous: number | undefined): void {
    this.exit(op.id);
    this.contextOperation.enterWith(previous ?? NONE);
  }

  /** Span processor: a span started (component spans become operations; others inherit). */
  spanStarted(spanId: string, parentSpanId: string | undefined, component: unknown, operation: unknown): void {
    if (this.users === 0) return;
    if (typeof component === 'string') {
      const op = this.startOperation(component, typeof operation === 'string' ? operation : '');
      this.spanOperations.set(spanId, op.id);
      this.enter(op.id);
      return;
    }
    // A span of another library (HTTP, OpenAI) inside one of our operations belongs to it.
    const inherited = parentSpanId !== undefined ? this.spanOperations.get(parentSpanId) : undefined;
    const owner = inherited ?? this.current();
    if (owner !== NONE) this.spanOperations.set(spanId, owner);
  }

  spanEnded(spanId: string, component: unknown): void {
    if (this.users === 0) return;
    const op = this.spanOperations.get(spanId);
    if (op === undefined) return;
    // Continuations that run after their span ended are rare; keeping every span would grow the
    // heap for as long as the profile runs.
    this.spanOperations.delete(spanId);
    if (typeof component === 'string') this.exit(op);
  }

  /** The transitions and operations recorded between two times (µs). */
  slice(fromUs: number, toUs: number): TimelineSlice {
    const times = this.times.subarray(0, this.count);
    let start = upperBound(times, fromUs) - 1; // the transition in force at `fromUs`
    if (start < 0) start = 0;
    const end = upperBound(times, toUs);
    const timesUs = Float64Array.from(times.subarray(start, end));
    const operationIds = Int32Array.from(this.ids.subarray(start, end));
    return { timesUs, operationIds, operations: this.operations.snapshot(), truncated: this.truncated };
  }

  // --- recording -------------------------------------------------------------------------------

  private current(): number {
    const stack = this.segments[this.segments.length - 1];
    return stack.length > 0 ? stack[stack.length - 1] : this.inherited();
  }

  /** The operation a segment inherited: the later-started of the span's and the context's. */
  private inherited(): number {
    const fromContext = this.contextOperation.getStore() ?? NONE;
    let fromSpan = NONE;
    if (this.spanOperations.size > 0) {
      const span = trace.getSpan(context.active());
      if (span !== undefined) fromSpan = this.spanOperations.get(span.spanContext().spanId) ?? NONE;
    }
    return fromContext > fromSpan ? fromContext : fromSpan;
  }

  private beginSegment(): void {
    const base = this.inherited();
    this.segments.push(base === NONE ? [] : [base]);
    this.record(base);
  }

  private endSegment(): void {
    // An `after` without its `before` (recording began inside a callback) leaves the base frame.
    if (this.segments.length > 1) this.segments.pop();
    else this.segments[0] = [];
    this.record(this.current());
  }

  private enter(id: number): void {
    if (this.users === 0) return;
    this.segments[this.segments.length - 1].push(id);
    this.record(id);
  }

  private exit(id: number): void {
    if (this.users === 0) return;
    const stack = this.segments[this.segments.length - 1];
    const at = stack.lastIndexOf(id);
    if (at === -1) return; // an async operation ending in a later segment
    stack.length = at;
    this.record(this.current());
  }

  private record(id: number): void {
    if (this.count > 0 && this.ids[this.count - 1] === id) return;
    if (this.count === this.times.length) {
      if (this.count >= MAX_TRANSITIONS) {
        if (!this.truncated)
          diag.warn('transcriber: profiler attribution timeline is full; later samples are unattributed');
        this.truncated = true;
        return;
      }
      const times = new Float64Array(this.count * 2);
      times.set(this.times);
      const ids = new Int32Array(this.count * 2);
      ids.set(this.ids);
      this.times = times;
      this.ids = ids;
    }
    this.times[this.count] = this.nowUs();
    this.ids[this.count] = id;
    this.count++;
  }
}

/** Index of the first element greater than `value` in a sorted array. */
function upperBound(values: Float64Array, value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const KEY = Symbol.for('transcriber.profiler.operationTimeline');
type Holder = { [KEY]?: OperationTimeline };

/** The timeline of this thread, shared by every copy of the package loaded in it. */
export function operationTimeline(): OperationTimeline {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new OperationTimeline());
}
