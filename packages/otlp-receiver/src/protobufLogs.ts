import type { HrTime } from '@opentelemetry/api';
import type { AnyValue, LogAttributes, SeverityNumber } from '@opentelemetry/api-logs';
import { emptyResource } from '@opentelemetry/resources';
import { finishLogRecord } from './logRecordFields';
import { readAnyValue, readKeyValue } from './protobufCommon';
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
import { ReceivedLogRecord } from './receivedLogRecord';
import { nanosToHrTime } from './unixNanos';
import type { ValueLimits } from './valueLimits';

// Field numbers of opentelemetry-proto collector/logs/v1 and logs/v1.
const REQUEST_RESOURCE_LOGS = tagOf(1, WIRE_LENGTH_DELIMITED);

const LOG_TIME = tagOf(1, WIRE_FIXED64);
const LOG_SEVERITY_NUMBER = tagOf(2, WIRE_VARINT);
const LOG_SEVERITY_TEXT = tagOf(3, WIRE_LENGTH_DELIMITED);
const LOG_BODY = tagOf(5, WIRE_LENGTH_DELIMITED);
const LOG_ATTRIBUTES = tagOf(6, WIRE_LENGTH_DELIMITED);
const LOG_DROPPED_ATTRIBUTES = tagOf(7, WIRE_VARINT);
const LOG_FLAGS = tagOf(8, WIRE_FIXED32);
const LOG_TRACE_ID = tagOf(9, WIRE_LENGTH_DELIMITED);
const LOG_SPAN_ID = tagOf(10, WIRE_LENGTH_DELIMITED);
const LOG_OBSERVED_TIME = tagOf(11, WIRE_FIXED64);
const LOG_EVENT_NAME = tagOf(12, WIRE_LENGTH_DELIMITED);

const REQUEST_FIELDS = fieldMask(1);
const LOG_FIELDS = fieldMask(1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12);

const LOG_ENVELOPE = { resource: 'ResourceLogs', scope: 'ScopeLogs', legacyField: 'instrumentation_library_logs' };
const NO_RESOURCE = emptyResource();

/**
 * Decodes an `ExportLogsServiceRequest` in the protobuf encoding into log records ready for
 * SqliteLogRecordExporter. A malformed body throws OtlpDecodeError. `now` stands in for records
 * that carry no time at all.
 */
export function decodeLogsRequestProtobuf(body: Buffer, now: HrTime, limits: ValueLimits): ReceivedLogRecord[] {
  const r = new ProtobufReader(body, limits);
  const records: ReceivedLogRecord[] = [];
  while (r.more) {
    const tag = r.uint32();
    if (tag === REQUEST_RESOURCE_LOGS)
      readResourceEnvelope(r, records, LOG_ENVELOPE, (item) => readLogRecord(item, now));
    else r.skip(tag, REQUEST_FIELDS, 'ExportLogsServiceRequest');
  }
  return records;
}

function readLogRecord(r: ProtobufReader, now: HrTime): ReceivedLogRecord {
  const outer = r.enter();
  const record = new ReceivedLogRecord(NO_RESOURCE, NO_SCOPE);
  const attributes: Record<string, unknown> = {};
  let traceId = '';
  let spanId = '';
  let flags = 0;
  while (r.more) {
    const tag = r.uint32();
    switch (tag) {
      case LOG_TIME:
        r.fixed64Parts();
        record.hrTime = nanosToHrTime(r.lo, r.hi);
        break;
      case LOG_OBSERVED_TIME:
        r.fixed64Parts();
        record.hrTimeObserved = nanosToHrTime(r.lo, r.hi);
        break;
      case LOG_SEVERITY_NUMBER:
        record.severityNumber = r.uint32() as SeverityNumber;
        break;
      case LOG_SEVERITY_TEXT:
        record.severityText = r.string();
        break;
      case LOG_BODY:
        record.body = readAnyValue(r, 'bytes') as AnyValue;
        break;
      case LOG_ATTRIBUTES:
        readKeyValue(r, attributes, 'bytes');
        break;
      case LOG_DROPPED_ATTRIBUTES:
        record.droppedAttributesCount = r.uint32();
        break;
      case LOG_FLAGS:
        flags = r.fixed32();
        break;
      case LOG_TRACE_ID:
        traceId = r.hex();
        break;
      case LOG_SPAN_ID:
        spanId = r.hex();
        break;
      case LOG_EVENT_NAME:
        record.eventName = r.string();
        break;
      default:
        r.skip(tag, LOG_FIELDS, 'LogRecord');
    }
  }
  r.leave(outer);
  record.attributes = attributes as LogAttributes;
  finishLogRecord(record, traceId, spanId, flags, now);
  return record;
}
