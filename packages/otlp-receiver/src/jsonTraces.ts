import type { Attributes } from '@opentelemetry/api';
import { emptyResource, resourceFromAttributes } from '@opentelemetry/resources';
import { readJsonAttributes, readJsonResourceAttributes, readJsonScope } from './jsonCommon';
import {
  eachOf,
  enumAt,
  fieldOf,
  idAt,
  objectAt,
  parseJsonBody,
  stringAt,
  unsignedAt,
  type JsonObject,
} from './jsonFields';
import { ReceivedSpan } from './receivedSpan';
import type { Rejections } from './rejections';
import { isStorableSpan, spanKindOf, statusCodeOf } from './spanChecks';
import { jsonNanosToHrTime } from './unixNanos';
import type { ValueLimits } from './valueLimits';

const SPAN_KINDS = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/**
 * Decodes an `ExportTraceServiceRequest` in OTLP/JSON into spans ready for SqliteSpanExporter.
 * Spans that cannot be stored are counted in `rejections`; a malformed body throws OtlpDecodeError.
 */
export function decodeTraceRequestJson(body: Buffer, rejections: Rejections, limits: ValueLimits): ReceivedSpan[] {
  const request = parseJsonBody(body);
  const spans: ReceivedSpan[] = [];
  eachOf(fieldOf(request, 'resourceSpans', 'resource_spans'), 'resourceSpans', (element) => {
    const resourceSpans = objectAt(element, 'ResourceSpans') ?? {};
    const attributes = readJsonResourceAttributes(resourceSpans.resource, limits);
    const resource =
      Object.keys(attributes).length === 0 ? emptyResource() : resourceFromAttributes(attributes as Attributes);
    eachOf(fieldOf(resourceSpans, 'scopeSpans', 'scope_spans'), 'scopeSpans', (element) => {
      const scopeSpans = objectAt(element, 'ScopeSpans') ?? {};
      const scope = readJsonScope(scopeSpans.scope);
      eachOf(scopeSpans.spans, 'spans', (element) => {
        const span = new ReceivedSpan(resource, scope);
        readSpan(objectAt(element, 'Span') ?? {}, span, limits);
        if (isStorableSpan(span, rejections)) spans.push(span);
      });
    });
  });
  return spans;
}

function readSpan(json: JsonObject, span: ReceivedSpan, limits: ValueLimits): void {
  span.traceId = idAt(fieldOf(json, 'traceId', 'trace_id'), 'traceId');
  span.spanId = idAt(fieldOf(json, 'spanId', 'span_id'), 'spanId');
  span.traceFlags = unsignedAt(json.flags, 'flags') & 0xff;
  const parentSpanId = idAt(fieldOf(json, 'parentSpanId', 'parent_span_id'), 'parentSpanId');
  if (parentSpanId !== '') {
    span.parentSpanContext = { traceId: span.traceId, spanId: parentSpanId, traceFlags: span.traceFlags };
  }
  span.name = limits.cutString(stringAt(json.name, 'name'));
  span.kind = spanKindOf(enumAt(json.kind, SPAN_KINDS, 'kind'));
  span.startTime = jsonNanosToHrTime(fieldOf(json, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano');
  span.endTime = jsonNanosToHrTime(fieldOf(json, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano');
  const attributes: Record<string, unknown> = {};
  readJsonAttributes(json.attributes, 'attributes', attributes, 'base64', limits);
  span.attributes = attributes as Attributes;
  span.droppedAttributesCount = unsignedAt(
    fieldOf(json, 'droppedAttributesCount', 'dropped_attributes_count'),
    'droppedAttributesCount',
  );
  span.droppedEventsCount = unsignedAt(
    fieldOf(json, 'droppedEventsCount', 'dropped_events_count'),
    'droppedEventsCount',
  );
  span.droppedLinksCount = unsignedAt(fieldOf(json, 'droppedLinksCount', 'dropped_links_count'), 'droppedLinksCount');
  eachOf(json.events, 'events', (element) => {
    const event = objectAt(element, 'Event') ?? {};
    const eventAttributes: Record<string, unknown> = {};
    readJsonAttributes(event.attributes, 'attributes', eventAttributes, 'base64', limits);
    const time = fieldOf(event, 'timeUnixNano', 'time_unix_nano');
    span.addEvent({
      time: time === undefined ? span.startTime : jsonNanosToHrTime(time, 'timeUnixNano'),
      name: limits.cutString(stringAt(event.name, 'name')),
      attributes: eventAttributes as Attributes,
      droppedAttributesCount: unsignedAt(
        fieldOf(event, 'droppedAttributesCount', 'dropped_attributes_count'),
        'droppedAttributesCount',
      ),
    });
  });
  eachOf(json.links, 'links', (element) => {
    const link = objectAt(element, 'Link') ?? {};
    const linkAttributes: Record<string, unknown> = {};
    readJsonAttributes(link.attributes, 'attributes', linkAttributes, 'base64', limits);
    span.addLink({
      context: {
        traceId: idAt(fieldOf(link, 'traceId', 'trace_id'), 'traceId'),
        spanId: idAt(fieldOf(link, 'spanId', 'span_id'), 'spanId'),
        traceFlags: unsignedAt(link.flags, 'flags') & 0xff,
      },
      attributes: linkAttributes as Attributes,
      droppedAttributesCount: unsignedAt(
        fieldOf(link, 'droppedAttributesCount', 'dropped_attributes_count'),
        'droppedAttributesCount',
      ),
    });
  });
  const status = objectAt(json.status, 'status');
  if (status !== undefined) {
    const code = statusCodeOf(enumAt(status.code, STATUS_CODES, 'status.code'));
    const message = limits.cutString(stringAt(status.message, 'status.message'));
    span.status = message === '' ? { code } : { code, message };
  }
}
