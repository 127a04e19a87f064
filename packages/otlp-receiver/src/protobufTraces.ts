import type { Attributes } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import { readKeyValue } from './protobufCommon';
import { NO_SCOPE, readResourceEnvelope } from './protobufEnvelope';
import {
  fieldMask,
  ProtobufReader,
  tagOf,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
} from './protobufReader';
import { ReceivedSpan } from './receivedSpan';
import type { Rejections } from './rejections';
import { isStorableSpan, spanKindOf, statusCodeOf } from './spanChecks';
import { nanosToHrTime } from './unixNanos';
import type { ValueLimits } from './valueLimits';

// Field numbers of opentelemetry-proto collector/trace/v1 and trace/v1.
const REQUEST_RESOURCE_SPANS = tagOf(1, WIRE_LENGTH_DELIMITED);

const SPAN_TRACE_ID = tagOf(1, WIRE_LENGTH_DELIMITED);
const SPAN_SPAN_ID = tagOf(2, WIRE_LENGTH_DELIMITED);
const SPAN_PARENT_SPAN_ID = tagOf(4, WIRE_LENGTH_DELIMITED);
const SPAN_NAME = tagOf(5, WIRE_LENGTH_DELIMITED);
const SPAN_KIND = tagOf(6, WIRE_VARINT);
const SPAN_START = tagOf(7, WIRE_FIXED64);
const SPAN_END = tagOf(8, WIRE_FIXED64);
const SPAN_ATTRIBUTES = tagOf(9, WIRE_LENGTH_DELIMITED);
const SPAN_DROPPED_ATTRIBUTES = tagOf(10, WIRE_VARINT);
const SPAN_EVENTS = tagOf(11, WIRE_LENGTH_DELIMITED);
const SPAN_DROPPED_EVENTS = tagOf(12, WIRE_VARINT);
const SPAN_LINKS = tagOf(13, WIRE_LENGTH_DELIMITED);
const SPAN_DROPPED_LINKS = tagOf(14, WIRE_VARINT);
const SPAN_STATUS = tagOf(15, WIRE_LENGTH_DELIMITED);
const SPAN_FLAGS = tagOf(16, WIRE_FIXED32);

const EVENT_TIME = tagOf(1, WIRE_FIXED64);
const EVENT_NAME = tagOf(2, WIRE_LENGTH_DELIMITED);
const EVENT_ATTRIBUTES = tagOf(3, WIRE_LENGTH_DELIMITED);
const EVENT_DROPPED_ATTRIBUTES = tagOf(4, WIRE_VARINT);

const LINK_TRACE_ID = tagOf(1, WIRE_LENGTH_DELIMITED);
const LINK_SPAN_ID = tagOf(2, WIRE_LENGTH_DELIMITED);
const LINK_ATTRIBUTES = tagOf(4, WIRE_LENGTH_DELIMITED);
const LINK_DROPPED_ATTRIBUTES = tagOf(5, WIRE_VARINT);
const LINK_FLAGS = tagOf(6, WIRE_FIXED32);

const STATUS_MESSAGE = tagOf(2, WIRE_LENGTH_DELIMITED);
const STATUS_CODE = tagOf(3, WIRE_VARINT);

/** Bit N set for each field N read (see ProtobufReader.skip). */
const REQUEST_FIELDS = fieldMask(1);
const SPAN_FIELDS = fieldMask(1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
const EVENT_FIELDS = fieldMask(1, 2, 3, 4);
const LINK_FIELDS = fieldMask(1, 2, 4, 5, 6);
const STATUS_FIELDS = fieldMask(2, 3);

const SPAN_ENVELOPE = { resource: 'ResourceSpans', scope: 'ScopeSpans', legacyField: 'instrumentation_library_spans' };
// The resource a span holds while it is read; the envelope reader sets the real one when its ResourceSpans ends.
const NO_RESOURCE = emptyResource();

/**
 * Decodes an `ExportTraceServiceRequest` in the protobuf encoding into spans ready for
 * SqliteSpanExporter. Spans that cannot be stored are counted in `rejections`, strings cut and values
 * too deep in `limits`; a malformed body throws OtlpDecodeError.
 */
export function decodeTraceRequestProtobuf(body: Buffer, rejections: Rejections, limits: ValueLimits): ReceivedSpan[] {
  const r = new ProtobufReader(body, limits);
  const spans: ReceivedSpan[] = [];
  while (r.more) {
    const tag = r.uint32();
    if (tag === REQUEST_RESOURCE_SPANS) {
      readResourceEnvelope(r, spans, SPAN_ENVELOPE, (item) => {
        const span = readSpan(item);
        return isStorableSpan(span, rejections) ? span : undefined;
      });
    } else r.skip(tag, REQUEST_FIELDS, 'ExportTraceServiceRequest');
  }
  return spans;
}

function readSpan(r: ProtobufReader): ReceivedSpan {
  const outer = r.enter();
  const span = new ReceivedSpan(NO_RESOURCE, NO_SCOPE);
  const attributes: Record<string, unknown> = {};
  let parentSpanId: string | undefined;
  while (r.more) {
    const tag = r.uint32();
    switch (tag) {
      case SPAN_TRACE_ID:
        span.traceId = r.hex();
        break;
      case SPAN_SPAN_ID:
        span.spanId = r.hex();
        break;
      case SPAN_PARENT_SPAN_ID:
        parentSpanId = r.hex();
        break;
      case SPAN_NAME:
        span.name = r.string();
        break;
      case SPAN_KIND:
        span.kind = spanKindOf(r.uint32());
        break;
      case SPAN_START:
        r.fixed64Parts();
        span.startTime = nanosToHrTime(r.lo, r.hi);
        break;
      case SPAN_END:
        r.fixed64Parts();
        span.endTime = nanosToHrTime(r.lo, r.hi);
        break;
      case SPAN_ATTRIBUTES:
        readKeyValue(r, attributes, 'base64');
        break;
      case SPAN_DROPPED_ATTRIBUTES:
        span.droppedAttributesCount = r.uint32();
        break;
      case SPAN_EVENTS:
        readEvent(r, span);
        break;
      case SPAN_DROPPED_EVENTS:
        span.droppedEventsCount = r.uint32();
        break;
      case SPAN_LINKS:
        readLink(r, span);
        break;
      case SPAN_DROPPED_LINKS:
        span.droppedLinksCount = r.uint32();
        break;
      case SPAN_STATUS:
        readStatus(r, span);
        break;
      case SPAN_FLAGS:
        span.traceFlags = r.fixed32() & 0xff;
        break;
      default:
        r.skip(tag, SPAN_FIELDS, 'Span');
    }
  }
  r.leave(outer);
  span.attributes = attributes as Attributes;
  // An empty parent_span_id means a root span.
  if (parentSpanId !== undefined && parentSpanId !== '') {
    span.parentSpanContext = { traceId: span.traceId, spanId: parentSpanId, traceFlags: span.traceFlags };
  }
  return span;
}

function readEvent(r: ProtobufReader, span: ReceivedSpan): void {
  const outer = r.enter();
  let time = span.startTime;
  let name = '';
  let attributes: Record<string, unknown> | undefined;
  let droppedAttributesCount = 0;
  while (r.more) {
    const tag = r.uint32();
    if (tag === EVENT_TIME) {
      r.fixed64Parts();
      time = nanosToHrTime(r.lo, r.hi);
    } else if (tag === EVENT_NAME) {
      name = r.string();
    } else if (tag === EVENT_ATTRIBUTES) {
      readKeyValue(r, (attributes ??= {}), 'base64');
    } else if (tag === EVENT_DROPPED_ATTRIBUTES) {
      droppedAttributesCount = r.uint32();
    } else {
      r.skip(tag, EVENT_FIELDS, 'Span.Event');
    }
  }
  r.leave(outer);
  span.addEvent({ time, name, attributes: attributes as Attributes | undefined, droppedAttributesCount });
}

function readLink(r: ProtobufReader, span: ReceivedSpan): void {
  const outer = r.enter();
  let traceId = '';
  let spanId = '';
  let traceFlags = 0;
  let attributes: Record<string, unknown> | undefined;
  let droppedAttributesCount = 0;
  while (r.more) {
    const tag = r.uint32();
    if (tag === LINK_TRACE_ID) traceId = r.hex();
    else if (tag === LINK_SPAN_ID) spanId = r.hex();
    else if (tag === LINK_ATTRIBUTES) readKeyValue(r, (attributes ??= {}), 'base64');
    else if (tag === LINK_DROPPED_ATTRIBUTES) droppedAttributesCount = r.uint32();
    else if (tag === LINK_FLAGS) traceFlags = r.fixed32() & 0xff;
    else r.skip(tag, LINK_FIELDS, 'Span.Link');
  }
  r.leave(outer);
  span.addLink({
    context: { traceId, spanId, traceFlags },
    attributes: attributes as Attributes | undefined,
    droppedAttributesCount,
  });
}

function readStatus(r: ProtobufReader, span: ReceivedSpan): void {
  const outer = r.enter();
  let code = 0;
  let message: string | undefined;
  while (r.more) {
    const tag = r.uint32();
    if (tag === STATUS_CODE) code = r.uint32();
    else if (tag === STATUS_MESSAGE) message = r.string();
    else r.skip(tag, STATUS_FIELDS, 'Status');
  }
  r.leave(outer);
  span.status =
    message === undefined || message === '' ? { code: statusCodeOf(code) } : { code: statusCodeOf(code), message };
}
