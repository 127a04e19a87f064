import { diag, SpanStatusCode, type Attributes, type Context, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_COMPONENT,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_TIME_TO_FIRST_CHUNK,
  ATTR_OPERATION,
  METRIC_GEN_AI_TIME_TO_FIRST_CHUNK,
  METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
  operationAttributes,
} from '@transcriber/instrumentation';
import { isMessageContentAttribute, TurnAssembler, type SpanShape } from '@transcriber/instrumentation/frameworkSpans';
import { frameworkRecording } from './frameworkRecording';
import { componentOfFrameworkSpan, FRAMEWORK_SCOPES } from './frameworkScopes';

/**
 * Makes the spans of the voice frameworks an app runs on (LiveKit Agents for Node, the Vercel AI
 * SDK's `@ai-sdk/otel`) ours, with no
 * code in the app: they reach the SDK through the global tracer provider, and this processor, in
 * the provider's chain before the exporters,
 * - drops message content from them (transcripts, chat contexts, answers, tool arguments: LiveKit's
 *   `lk.pii.*`, the GenAI and AI SDK content attributes) unless asked to keep it;
 * - tags each span that is a component operation with `transcriber.component` / `.operation` (by
 *   the framework's span names, see frameworkScopes.ts) while it can still be changed
 *   (`onEnding`), with its figures in our names and units (the AI SDK's time to first chunk, its
 *   tokens), and records its duration histogram point, counters and figures like our operations;
 * - feeds the spans a turn is built from to a TurnAssembler and records each turn it completes as
 *   a `pipeline.turn` span with the turn's histograms (recordDerivedTurn), live, as the exchange's
 *   answer ends.
 * Spans of any other scope cost one Map lookup. Nothing here throws into the SDK.
 */
export class FrameworkSpanProcessor implements SpanProcessor {
  private readonly assembler = new TurnAssembler();
  /**
   * Message content (transcripts, prompts, answers, tool arguments) is not recorded by default, as
   * for the `openai` SDK: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true keeps it.
   */
  private readonly keepContent = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === 'true';

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    try {
      const framework = FRAMEWORK_SCOPES.get(span.instrumentationScope.name);
      if (framework === undefined) return;
      const readable = span as unknown as ReadableSpan;
      if (!this.keepContent) dropMessageContent(readable.attributes);
      if (typeof readable.attributes[ATTR_COMPONENT] === 'string') return;
      const startMs = msOf(readable.startTime);
      const endMs = msOf(readable.endTime);
      const found = componentOfFrameworkSpan(framework, span.name, readable.attributes, startMs, endMs);
      if (found === undefined) return;
      const recording = frameworkRecording();
      span.setAttribute(ATTR_COMPONENT, found.component);
      span.setAttribute(ATTR_OPERATION, found.operation);
      const attributes = operationAttributes(found.component, found.operation);
      for (const [name, value] of found.figures ?? []) {
        span.setAttribute(name, value);
        if (name === ATTR_GEN_AI_TIME_TO_FIRST_CHUNK || name === METRIC_LLM_OUTPUT_TOKENS_PER_SECOND) {
          recording.recordVoiceFigure(
            name === ATTR_GEN_AI_TIME_TO_FIRST_CHUNK ? METRIC_GEN_AI_TIME_TO_FIRST_CHUNK : name,
            value,
            attributes,
          );
        }
      }
      const errorType = readable.status.code === SpanStatusCode.ERROR ? errorTypeOf(readable) : undefined;
      if (errorType !== undefined && readable.attributes[ATTR_ERROR_TYPE] === undefined)
        span.setAttribute(ATTR_ERROR_TYPE, errorType);
      recording.recordOperation(found.component, found.operation, Math.max(0, endMs - startMs) / 1000, errorType);
    } catch (err) {
      diag.error('transcriber: tagging a framework span failed', err);
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      if (!FRAMEWORK_SCOPES.has(span.instrumentationScope.name) || !TurnAssembler.wants(span.name)) return;
      for (const turn of this.assembler.add(shapeOf(span))) frameworkRecording().recordDerivedTurn(turn);
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

/** Removes message content from a framework span's attributes (the SDK's own object, before export). */
function dropMessageContent(attributes: Attributes): void {
  for (const name of Object.keys(attributes)) {
    if (isMessageContentAttribute(name)) delete attributes[name];
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

/** The failure's class as the framework recorded it: `error.type`, else its `exception` event's type. */
function errorTypeOf(span: ReadableSpan): string {
  const type = span.attributes[ATTR_ERROR_TYPE];
  if (typeof type === 'string' && type !== '') return type;
  const exceptionType = span.events.find((e) => e.name === 'exception')?.attributes?.['exception.type'];
  return typeof exceptionType === 'string' && exceptionType !== '' ? exceptionType : 'Error';
}
