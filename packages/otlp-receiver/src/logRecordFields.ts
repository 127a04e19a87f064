import type { HrTime } from '@opentelemetry/api';
import type { ReceivedLogRecord } from './receivedLogRecord';

/** The attribute older senders (the deprecated Events API) carried an event's name in. */
const EVENT_NAME_ATTRIBUTE = 'event.name';

/**
 * Finishes a decoded log record (shared by the protobuf and JSON decoders): its time falls back to
 * the observed time, then to `now`, as the OTLP spec says; its event name to the `event.name`
 * attribute; its span context is kept only when both ids are valid.
 */
export function finishLogRecord(
  record: ReceivedLogRecord,
  traceId: string,
  spanId: string,
  flags: number,
  now: HrTime,
): void {
  if (record.hrTime[0] === 0 && record.hrTime[1] === 0) record.hrTime = record.hrTimeObserved;
  if (record.hrTime[0] === 0 && record.hrTime[1] === 0) record.hrTime = now;
  if (record.hrTimeObserved[0] === 0 && record.hrTimeObserved[1] === 0) record.hrTimeObserved = record.hrTime;
  if (record.eventName === undefined || record.eventName === '') {
    const fromAttribute = record.attributes[EVENT_NAME_ATTRIBUTE];
    record.eventName = typeof fromAttribute === 'string' && fromAttribute !== '' ? fromAttribute : undefined;
  }
  if (traceId.length === 32 && spanId.length === 16) record.spanContext = { traceId, spanId, traceFlags: flags & 0xff };
}
