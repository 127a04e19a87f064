import {
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type HrTime,
  type Span,
} from '@opentelemetry/api';
import { epochCorrectionMs, epochHrTime } from './epochClock';
import { errorTypeOf } from './errorType';
import { getOperationInstruments } from './instruments';
import { loopIdleMs } from './loopIdle';
import { ATTR_ERROR_TYPE, ATTR_OPERATION_LOOP_IDLE } from './names';
import { recordOperationFigures } from './operationFigures';
import type { OperationKey } from './operationKey';
import { TURN_CONTEXT_KEY, turnIn } from './turnContext';

/**
 * One running component operation: its span, the context that makes it the parent of nested
 * operations, and the clock its duration is measured with. Returned by `timeOperation` without a
 * function, and passed to the function when there is one.
 */
export class OperationHandle implements Disposable {
  /** The operation's span (a non-recording span when no SDK is installed). */
  readonly span: Span;
  /** The active context with this operation's span in it. */
  readonly context: Context;
  protected readonly key: OperationKey;
  private readonly startMs: number;
  // performance.now() → epoch for this span's times: one correction for all our spans (see epochClock).
  private readonly epochCorrectionMs: number;
  protected ended = false;
  // First time of each mark and sums of usage, allocated by the first mark/addUsage only: an
  // operation that reports neither costs two undefined fields.
  private marks: Map<string, number> | undefined = undefined;
  private usage: Map<string, number> | undefined = undefined;
  // The loop's idle time when an operation that can wait began (see watchLoop).
  private loopIdleAtStartMs: number | undefined = undefined;

  constructor(key: OperationKey, parent: Context) {
    this.key = key;
    this.startMs = performance.now();
    this.epochCorrectionMs = epochCorrectionMs(this.startMs);
    this.span = startSpan(key, parent, this.epochTime(this.startMs));
    // A turn (see TurnHandle) puts itself in its context, for the operations nested in it.
    this.context = trace.setSpan(key.turn ? parent.setValue(TURN_CONTEXT_KEY, this) : parent, this.span);
  }

  get component(): string {
    return this.key.component;
  }

  get operation(): string {
    return this.key.operation;
  }

  /** Milliseconds since the operation started. */
  elapsedMs(): number {
    return performance.now() - this.startMs;
  }

  /**
   * Marks a point inside the operation (e.g. `first_token`, see the `MARK_…` names) as a span
   * event. The operation keeps the first time of each mark to derive its figures when it ends
   * (time to first chunk for `first_token`, to first byte for `first_audio_byte`), and the mark
   * reaches the turn the operation runs in, if any, for the turn's breakdown.
   */
  mark(name: string, attributes?: Attributes): void {
    if (this.ended) return;
    try {
      const timeMs = performance.now();
      this.span.addEvent(name, attributes, this.epochTime(timeMs));
      if (this.marks === undefined) this.marks = new Map();
      if (!this.marks.has(name)) this.marks.set(name, timeMs);
      turnIn(this.context)?.noteMark(name, timeMs, attributes);
    } catch (err) {
      diag.error('transcriber: mark failed', err);
    }
  }

  /**
   * Reports usage of the operation (e.g. `gen_ai.usage.output_tokens`, `transcriber.stt.audio.duration`,
   * see the `ATTR_…` usage names). Repeated reports add up; the sum becomes a span attribute when the
   * operation ends and is added to the turn the operation runs in.
   */
  addUsage(name: string, amount: number): void {
    if (this.ended || typeof amount !== 'number' || !Number.isFinite(amount)) return;
    try {
      if (this.usage === undefined) this.usage = new Map();
      this.usage.set(name, (this.usage.get(name) ?? 0) + amount);
      turnIn(this.context)?.noteUsage(name, amount);
    } catch (err) {
      diag.error('transcriber: addUsage failed', err);
    }
  }

  /**
   * Measures how long the event loop is idle until the operation ends (ATTR_OPERATION_LOOP_IDLE):
   * called for operations that may wait (a function that returned a promise, a handle ended
   * later), never for synchronous ones, which cannot. The loop's idle time does not move while
   * JavaScript runs, so reading it when a function has returned its promise is reading it at the
   * function's start.
   */
  watchLoop(): void {
    this.loopIdleAtStartMs = loopIdleMs();
  }

  /** Runs `fn` with this operation as the parent of the operations it starts. */
  run<T>(fn: () => T): T {
    return context.with(this.context, fn);
  }

  /**
   * Ends the operation: records the duration histogram point and operation counter, and, when an
   * error is given, the error counter, the span status and `error.type`. Only the first call counts.
   */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const endMs = performance.now();
      const seconds = (endMs - this.startMs) / 1000;
      const instruments = getOperationInstruments();
      if (this.marks !== undefined || this.usage !== undefined) {
        recordOperationFigures(
          this.span,
          this.key.attributes,
          this.startMs,
          endMs,
          this.marks,
          this.usage,
          this.context,
        );
      }
      let attributes = this.key.attributes;
      if (error !== undefined) {
        const type = errorTypeOf(error);
        attributes = { ...attributes, [ATTR_ERROR_TYPE]: type };
        instruments.errors.add(1, attributes);
        this.span.setAttribute(ATTR_ERROR_TYPE, type);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: type });
        // The type only: messages and stacks may carry user content (see docs/configuration.md).
        this.span.addEvent('exception', { 'exception.type': type }, this.epochTime(endMs));
      }
      if (this.loopIdleAtStartMs !== undefined) {
        const idleMs = (loopIdleMs() ?? this.loopIdleAtStartMs) - this.loopIdleAtStartMs;
        if (idleMs > 0) this.span.setAttribute(ATTR_OPERATION_LOOP_IDLE, idleMs / 1000);
      }
      instruments.duration.record(seconds, attributes);
      instruments.operations.add(1, attributes);
      // The span ends at the instant the figures were computed from, not after recording them:
      // its duration, the histogram point and the derived rates then agree exactly.
      this.span.end(this.epochTime(endMs));
    } catch (err) {
      diag.error('transcriber: recording an operation failed', err);
    }
  }

  /** A `performance.now()` reading as this span's epoch time. */
  protected epochTime(nowMs: number): HrTime {
    return epochHrTime(nowMs, this.epochCorrectionMs);
  }

  /** `using op = timeOperation(...)` ends the operation at the end of the block. */
  [Symbol.dispose](): void {
    this.end();
  }
}

function startSpan(key: OperationKey, parent: Context, startTime: HrTime): Span {
  try {
    const options = { kind: SpanKind.INTERNAL, attributes: key.attributes, startTime };
    return getOperationInstruments().tracer.startSpan(key.spanName, options, parent);
  } catch (err) {
    // The app must run on even if the tracing SDK is broken: carry on with a no-op span.
    diag.error('transcriber: starting a span failed', err);
    return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  }
}
