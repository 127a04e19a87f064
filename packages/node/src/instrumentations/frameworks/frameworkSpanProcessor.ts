import { diag, SpanStatusCode, type Context, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_COMPONENT,
  ATTR_ERROR_TYPE,
  ATTR_OPERATION,
  recordDerivedTurn,
  recordOperation,
} from '@transcriber/instrumentation';
import { TurnAssembler, type SpanShape } from '@transcriber/instrumentation/turnDerivation';
import { componentOfFrameworkSpan, FRAMEWORK_SCOPES } from './frameworkScopes';

/**
 * Makes the spans of the voice frameworks an app runs on (LiveKit Agents for Node, …) ours, with no
 * code in the app: they reach the SDK through the global tracer provider, and this processor, in
 * the provider's chain before the exporters,
 * - tags each span that is a component operation with `transcriber.component` / `.operation` (by
 *   the framework's span names, see frameworkScopes.ts) while it can still be changed
 *   (`onEnding`), and records its duration histogram point and counters like our own operations;
 * - feeds the spans a turn is built from to a TurnAssembler and records each turn it completes as
 *   a `pipeline.turn` span with the turn's histograms (recordDerivedTurn), live, as the exchange's
 *   answer ends.
 * Spans of any other scope cost one Map lookup. Nothing here throws into the SDK.
 */
export class FrameworkSpanProcessor implements SpanProcessor {
  private readonly assembler = new TurnAssembler();

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    try {
      const scope = FRAMEWORK_SCOPES.get(span.instrumentationScope.name);
      if (scope === undefined) return;
      const readable = span as unknown as ReadableSpan;
      if (typeof readable.attributes[ATTR_COMPONENT] === 'string') return;
      const component = componentOfFrameworkSpan(scope, span.name, readable.attributes);
      if (component === undefined) return;
      span.setAttribute(ATTR_COMPONENT, component.component);
      span.setAttribute(ATTR_OPERATION, component.operation);
      const errorType = readable.status.code === SpanStatusCode.ERROR ? errorTypeOf(readable) : undefined;
      if (errorType !== undefined && readable.attributes[ATTR_ERROR_TYPE] === undefined)
        span.setAttribute(ATTR_ERROR_TYPE, errorType);
      recordOperation(
        component.component,
        component.operation,
        secondsBetween(readable.startTime, readable.endTime),
        errorType,
      );
    } catch (err) {
      diag.error('transcriber: tagging a framework span failed', err);
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      if (!FRAMEWORK_SCOPES.has(span.instrumentationScope.name) || !TurnAssembler.wants(span.name)) return;
      for (const turn of this.assembler.add(shapeOf(span))) recordDerivedTurn(turn);
    } catch (err) {
      diag.error('transcriber: deriving a turn from framework spans failed', err);
    }
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    // Exchanges still open have no answer: their sessions did not end. Nothing to record.
    this.assembler.flush();
  }
}

function shapeOf(span: ReadableSpan): SpanShape {
  const context = span.spanContext();
  return {
    name: span.name,
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    startMs: msOf(span.startTime),
    endMs: msOf(span.endTime),
    attributes: span.attributes,
    // This process: LiveKit for Node gives its user-turn delays in milliseconds (see liveKitTurns).
    sdkLanguage: 'nodejs',
  };
}

const msOf = (time: HrTime) => time[0] * 1000 + time[1] / 1e6;

const secondsBetween = (start: HrTime, end: HrTime) => Math.max(0, end[0] - start[0] + (end[1] - start[1]) / 1e9);

/** The failure's class as the framework recorded it: `error.type`, else its `exception` event's type. */
function errorTypeOf(span: ReadableSpan): string {
  const type = span.attributes[ATTR_ERROR_TYPE];
  if (typeof type === 'string' && type !== '') return type;
  const exceptionType = span.events.find((e) => e.name === 'exception')?.attributes?.['exception.type'];
  return typeof exceptionType === 'string' && exceptionType !== '' ? exceptionType : 'Error';
}
