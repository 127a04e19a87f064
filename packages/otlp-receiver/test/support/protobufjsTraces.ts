// The receiver's trace decoding done with protobufjs static code generated from the official
// opentelemetry-proto files (generated/otlp.js, by `npm run build`): protobufjs decodes the message
// tree, then the same walk as ours builds ReceivedSpans under the same limits (strings cut, values
// nested deeper than MAX_VALUE_DEPTH dropped and counted, unstorable spans rejected). The baseline
// the hand-written decoder is measured against (bench/otlp-decoder.bench.js) and held to the same
// conformance tests (protobufConformance.test.ts).
import type { Attributes, Link } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { emptyResource, resourceFromAttributes } from '@opentelemetry/resources';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import { opentelemetry } from '../../generated/otlp';
import { setAttribute } from '../../src/attributeSink';
import { OtlpDecodeError } from '../../src/otlpDecodeError';
import { signed64 } from '../../src/protobufReader';
import { ReceivedSpan } from '../../src/receivedSpan';
import type { Rejections } from '../../src/rejections';
import { isStorableSpan, spanKindOf, statusCodeOf } from '../../src/spanChecks';
import { nanosToHrTime } from '../../src/unixNanos';
import { MAX_VALUE_DEPTH, type ValueLimits } from '../../src/valueLimits';

const { ExportTraceServiceRequest } = opentelemetry.proto.collector.trace.v1;
type IKeyValue = opentelemetry.proto.common.v1.IKeyValue;
type IAnyValue = opentelemetry.proto.common.v1.IAnyValue;
/** protobufjs's 64-bit integers: a Long (low and high 32 bits) or, for small values, a number. */
type Int64 = number | { low: number; high: number };

const NO_SCOPE: InstrumentationScope = { name: '' };

/** decodeTraceRequestProtobuf's contract, with protobufjs doing the reading. */
export function decodeTraceRequestProtobufjs(
  body: Buffer,
  rejections: Rejections,
  limits: ValueLimits,
): ReceivedSpan[] {
  let request: opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  try {
    request = ExportTraceServiceRequest.decode(body);
  } catch (err) {
    throw new OtlpDecodeError((err as Error).message);
  }
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const attributes = attributesOf(resourceSpans.resource?.attributes, limits);
    const resource =
      resourceSpans.resource == null ? emptyResource() : resourceFromAttributes(attributes as Attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = scopeOf(scopeSpans.scope, limits);
      for (const s of scopeSpans.spans ?? []) {
        const span = new ReceivedSpan(resource, scope);
        span.traceId = hex(s.traceId);
        span.spanId = hex(s.spanId);
        span.name = limits.cutString(s.name ?? '');
        span.kind = spanKindOf(s.kind ?? 0);
        span.startTime = time(s.startTimeUnixNano);
        span.endTime = time(s.endTimeUnixNano);
        span.attributes = attributesOf(s.attributes, limits) as Attributes;
        span.droppedAttributesCount = s.droppedAttributesCount ?? 0;
        span.droppedEventsCount = s.droppedEventsCount ?? 0;
        span.droppedLinksCount = s.droppedLinksCount ?? 0;
        span.traceFlags = (s.flags ?? 0) & 0xff;
        for (const e of s.events ?? []) span.addEvent(eventOf(e, span, limits));
        for (const l of s.links ?? []) span.addLink(linkOf(l, limits));
        if (s.status != null) {
          const code = statusCodeOf(s.status.code ?? 0);
          const message = limits.cutString(s.status.message ?? '');
          span.status = message === '' ? { code } : { code, message };
        }
        const parent = hex(s.parentSpanId);
        if (parent !== '')
          span.parentSpanContext = { traceId: span.traceId, spanId: parent, traceFlags: span.traceFlags };
        if (isStorableSpan(span, rejections)) spans.push(span);
      }
    }
  }
  return spans;
}

function eventOf(e: opentelemetry.proto.trace.v1.Span.IEvent, span: ReceivedSpan, limits: ValueLimits): TimedEvent {
  return {
    time: isZero(e.timeUnixNano) ? span.startTime : time(e.timeUnixNano),
    name: limits.cutString(e.name ?? ''),
    attributes: e.attributes?.length ? (attributesOf(e.attributes, limits) as Attributes) : undefined,
    droppedAttributesCount: e.droppedAttributesCount ?? 0,
  };
}

function linkOf(l: opentelemetry.proto.trace.v1.Span.ILink, limits: ValueLimits): Link {
  return {
    context: { traceId: hex(l.traceId), spanId: hex(l.spanId), traceFlags: (l.flags ?? 0) & 0xff },
    attributes: l.attributes?.length ? (attributesOf(l.attributes, limits) as Attributes) : undefined,
    droppedAttributesCount: l.droppedAttributesCount ?? 0,
  };
}

function scopeOf(scope: opentelemetry.proto.common.v1.IInstrumentationScope | null | undefined, limits: ValueLimits) {
  if (scope == null) return NO_SCOPE;
  const name = limits.cutString(scope.name ?? '');
  return scope.version ? { name, version: limits.cutString(scope.version) } : { name };
}

function attributesOf(pairs: IKeyValue[] | null | undefined, limits: ValueLimits, depth = 0): Record<string, unknown> {
  const into: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const value = pair.value == null ? undefined : valueOf(pair.value, limits, depth);
    if (value !== undefined) setAttribute(into, limits.cutString(pair.key ?? ''), value);
  }
  return into;
}

function valueOf(v: IAnyValue, limits: ValueLimits, depth: number): unknown {
  switch ((v as { value?: string }).value) {
    case 'stringValue':
      return limits.cutString(v.stringValue!);
    case 'boolValue':
      return v.boolValue;
    case 'intValue':
      return int64(v.intValue as Int64);
    case 'doubleValue':
      return v.doubleValue;
    case 'bytesValue':
      return Buffer.from(v.bytesValue!.subarray(0, limits.bytesKept(v.bytesValue!.length))).toString('base64');
    case 'arrayValue':
      if (depth >= MAX_VALUE_DEPTH) return tooDeep(limits);
      return (v.arrayValue!.values ?? []).map((item) => valueOf(item, limits, depth + 1) ?? null);
    case 'kvlistValue':
      if (depth >= MAX_VALUE_DEPTH) return tooDeep(limits);
      return attributesOf(v.kvlistValue!.values, limits, depth + 1);
    default:
      return undefined;
  }
}

function tooDeep(limits: ValueLimits): undefined {
  limits.tooDeep++;
  return undefined;
}

function hex(bytes: Uint8Array | null | undefined): string {
  return bytes == null ? '' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

function isZero(value: Int64 | null | undefined): boolean {
  return value == null || (typeof value === 'number' ? value === 0 : value.low === 0 && value.high === 0);
}

function time(value: Int64 | null | undefined) {
  if (value == null) return nanosToHrTime(0, 0);
  if (typeof value === 'number') return nanosToHrTime(value % 2 ** 32, Math.floor(value / 2 ** 32));
  return nanosToHrTime(value.low >>> 0, value.high >>> 0);
}

function int64(value: Int64): number | string {
  if (typeof value === 'number') return value;
  return signed64(value.low >>> 0, value.high >>> 0);
}
