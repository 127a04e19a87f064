import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReceivedSpan } from './receivedSpan';
import type { Rejections } from './rejections';
import { hrTimeBefore } from './unixNanos';

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** OTLP `Span.SpanKind` (0 = unspecified, 1 = internal …) as the API's `SpanKind` (0 = internal …). */
export function spanKindOf(otlpKind: number): SpanKind {
  return otlpKind >= 2 && otlpKind <= 5 ? ((otlpKind - 1) as SpanKind) : SpanKind.INTERNAL;
}

/** OTLP `Status.StatusCode` (same numbers as the API's); unknown codes count as unset. */
export function statusCodeOf(code: number): SpanStatusCode {
  return code === SpanStatusCode.OK || code === SpanStatusCode.ERROR ? code : SpanStatusCode.UNSET;
}

/**
 * Whether a decoded span can be stored: ids of the right size and not all zeros (the W3C and OTLP
 * rules for a valid span), a start time, and an end not before the start (a negative duration
 * would corrupt every latency figure). A span that fails is counted in `rejections`.
 */
export function isStorableSpan(span: ReceivedSpan, rejections: Rejections): boolean {
  const reason = problemOf(span);
  if (reason === undefined) return true;
  rejections.add(reason);
  return false;
}

function problemOf(span: ReceivedSpan): string | undefined {
  if (span.traceId.length !== 32 || span.traceId === ZERO_TRACE_ID) return 'trace_id is not 16 bytes or is all zeros';
  if (span.spanId.length !== 16 || span.spanId === ZERO_SPAN_ID) return 'span_id is not 8 bytes or is all zeros';
  const parent = span.parentSpanContext?.spanId;
  if (parent !== undefined && parent.length !== 16) return 'parent_span_id is not 8 bytes';
  if (span.startTime[0] === 0 && span.startTime[1] === 0) return 'start_time_unix_nano is missing';
  if (hrTimeBefore(span.endTime, span.startTime)) return 'end_time_unix_nano is before start_time_unix_nano';
  return undefined;
}
