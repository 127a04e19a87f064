import {
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type HrTime,
  type Link,
  type SpanContext,
  type SpanStatus,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { hrTimeDiff } from './unixNanos';

const NO_LINKS: Link[] = [];
const NO_EVENTS: TimedEvent[] = [];
const UNSET_STATUS: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const EPOCH: HrTime = [0, 0];

/**
 * A span received over OTLP, in the shape the SDK hands to span exporters, so it is written by
 * {@link SqliteSpanExporter} exactly like a span recorded in this process. The decoders fill the
 * fields in as they read them; resource and scope are set when their enclosing message ends (a
 * protobuf message may carry them after its spans).
 */
export class ReceivedSpan implements ReadableSpan {
  name = '';
  kind: SpanKind = SpanKind.INTERNAL;
  traceId = '';
  spanId = '';
  traceFlags = 0;
  parentSpanContext: SpanContext | undefined = undefined;
  startTime: HrTime = EPOCH;
  endTime: HrTime = EPOCH;
  status: SpanStatus = UNSET_STATUS;
  attributes: Attributes = {};
  links: Link[] = NO_LINKS;
  events: TimedEvent[] = NO_EVENTS;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  readonly ended = true;

  constructor(
    public resource: Resource,
    public instrumentationScope: InstrumentationScope,
  ) {}

  spanContext(): SpanContext {
    return { traceId: this.traceId, spanId: this.spanId, traceFlags: this.traceFlags };
  }

  get duration(): HrTime {
    return hrTimeDiff(this.startTime, this.endTime);
  }

  /** Adds an event (the first one replaces the shared empty list). */
  addEvent(event: TimedEvent): void {
    if (this.events === NO_EVENTS) this.events = [];
    this.events.push(event);
  }

  // As the turn derivation sees a span (SpanShape of @transcriber/instrumentation/frameworkSpans):
  // read from the fields, so a received span is handed to it as it is, with no copy.
  get parentSpanId(): string | undefined {
    return this.parentSpanContext?.spanId;
  }

  get startMs(): number {
    return this.startTime[0] * 1000 + this.startTime[1] / 1e6;
  }

  get endMs(): number {
    return this.endTime[0] * 1000 + this.endTime[1] / 1e6;
  }

  /** The sender's `telemetry.sdk.language` (LiveKit's Node and Python releases differ in units). */
  get sdkLanguage(): string | undefined {
    const language = this.resource.attributes['telemetry.sdk.language'];
    return typeof language === 'string' ? language : undefined;
  }

  /** Adds a link (the first one replaces the shared empty list). */
  addLink(link: Link): void {
    if (this.links === NO_LINKS) this.links = [];
    this.links.push(link);
  }
}
