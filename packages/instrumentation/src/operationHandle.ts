import {
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { errorTypeOf } from './errorType';
import { getOperationInstruments } from './instruments';
import { ATTR_ERROR_TYPE } from './names';
import type { OperationKey } from './operationKey';

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
  private readonly key: OperationKey;
  private readonly startMs: number;
  private ended = false;

  constructor(key: OperationKey, parent: Context) {
    this.key = key;
    this.span = startSpan(key, parent);
    this.context = trace.setSpan(parent, this.span);
    this.startMs = performance.now();
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

  /** Marks a point inside the operation (e.g. `first_token`) as a span event. */
  mark(name: string, attributes?: Attributes): void {
    if (this.ended) return;
    try {
      this.span.addEvent(name, attributes);
    } catch (err) {
      diag.error('transcriber: mark failed', err);
    }
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
      const seconds = (performance.now() - this.startMs) / 1000;
      const instruments = getOperationInstruments();
      let attributes = this.key.attributes;
      if (error !== undefined) {
        const type = errorTypeOf(error);
        attributes = { ...attributes, [ATTR_ERROR_TYPE]: type };
        instruments.errors.add(1, attributes);
        this.span.setAttribute(ATTR_ERROR_TYPE, type);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: type });
        // The type only: messages and stacks may carry user content (see docs/configuration.md).
        this.span.addEvent('exception', { 'exception.type': type });
      }
      instruments.duration.record(seconds, attributes);
      instruments.operations.add(1, attributes);
      this.span.end();
    } catch (err) {
      diag.error('transcriber: recording an operation failed', err);
    }
  }

  /** `using op = timeOperation(...)` ends the operation at the end of the block. */
  [Symbol.dispose](): void {
    this.end();
  }
}

function startSpan(key: OperationKey, parent: Context): Span {
  try {
    return getOperationInstruments().tracer.startSpan(key.spanName, key.spanOptions, parent);
  } catch (err) {
    // The app must run on even if the tracing SDK is broken: carry on with a no-op span.
    diag.error('transcriber: starting a span failed', err);
    return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  }
}
