import type { Context } from '@opentelemetry/api';
import { ATTR_COMPONENT, ATTR_OPERATION } from '@transcriber/instrumentation';
import { operationTimeline } from './operationTimeline';

/** The parts of an SDK span the processor reads (structurally an `sdk-trace-base` span). */
interface StartedSpan {
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly parentSpanContext?: { readonly spanId: string } | undefined;
  spanContext(): { readonly spanId: string };
}

/**
 * A span processor (for the SDK's `spanProcessors`) that tells the profiler's attribution timeline
 * when component operations start and end, so whole-process CPU samples can be charged to the
 * component running at the time. Does nothing unless a profile is being recorded.
 */
export class AttributionSpanProcessor {
  onStart(span: StartedSpan, _parentContext: Context): void {
    const timeline = operationTimeline();
    if (!timeline.recording) return;
    timeline.spanStarted(
      span.spanContext().spanId,
      span.parentSpanContext?.spanId,
      span.attributes[ATTR_COMPONENT],
      span.attributes[ATTR_OPERATION],
    );
  }

  onEnd(span: StartedSpan): void {
    const timeline = operationTimeline();
    if (!timeline.recording) return;
    timeline.spanEnded(span.spanContext().spanId, span.attributes[ATTR_COMPONENT]);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
