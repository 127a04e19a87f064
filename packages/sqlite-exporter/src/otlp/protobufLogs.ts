import type { Attributes, HrTime } from '@opentelemetry/api';
import type { AnyValue, LogAttributes, SeverityNumber } from '@opentelemetry/api-logs';
import type { InstrumentationScope } from '@opentelemetry/core';
import { emptyResource, resourceFromAttributes } from '@opentelemetry/resources';
import { finishLogRecord } from './logRecordFields';
import { readAnyValue, readKeyValue, readResourceAttributes, readScope } from './protobufCommon';
import {
  ProtobufReader,
  tagOf,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
} from './protobufReader';
import { ReceivedLogRecord } from './receivedLogRecord';
import { nanosToHrTime } from './unixNanos';

// Field numbers of opentelemetry-proto collector/logs/v1 and logs/v1.
const REQUEST_RESOURCE_LOGS = tagOf(1, WIRE_LENGTH_DELIMITED);
const RESOURCE_LOGS_RESOURCE = tagOf(1, WIRE_LENGTH_DELIMITED);
const RESOURCE_LOGS_SCOPE_LOGS = tagOf(2, WIRE_LENGTH_DELIMITED);
const RESOURCE_LOGS_LEGACY = tagOf(1000, WIRE_LENGTH_DELIMITED);
const SCOPE_LOGS_SCOPE = tagOf(1, WIRE_LENGTH_DELIMITED);
const SCOPE_LOGS_RECORDS = tagOf(2, WIRE_LENGTH_DELIMITED);

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

const fields = (...numbers: number[]) => numbers.reduce((mask, n) => mask | (1 << n), 0);
const REQUEST_FIELDS = fields(1);
const RESOURCE_LOGS_FIELDS = fields(1, 2);
const SCOPE_LOGS_FIELDS = fields(1, 2);
const LOG_FIELDS = fields(1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12);

const NO_SCOPE: InstrumentationScope = { name: '' };
const NO_RESOURCE = emptyResource();

/**
 * Decodes an `ExportLogsServiceRequest` in the protobuf encoding into log records ready for
 * SqliteLogRecordExporter. A malformed body throws OtlpDecodeError. `now` stands in for records
 * that carry no time at all.
 */
export function decodeLogsRequestProtobuf(body: Buffer, now: HrTime): ReceivedLogRecord[] {
  const r = new ProtobufReader(body);
  const records: ReceivedLogRecord[] = [];
  while (r.more) {
    const tag = r.uint32();
    if (tag === REQUEST_RESOURCE_LOGS) readResourceLogs(r, records, now);
    else r.skip(tag, REQUEST_FIELDS, 'ExportLogsServiceRequest');
  }
  return records;
}

function readResourceLogs(r: ProtobufReader, records: ReceivedLogRecord[], now: HrTime): void {
  const outer = r.enter();
  const first = records.length;
  let attributes: Record<string, unknown> | undefined;
  while (r.more) {
    const tag = r.uint32();
    if (tag === RESOURCE_LOGS_SCOPE_LOGS) readScopeLogs(r, records, now);
    else if (tag === RESOURCE_LOGS_RESOURCE) attributes = readResourceAttributes(r);
    else if (tag === RESOURCE_LOGS_LEGACY)
      r.fail('instrumentation_library_logs (OTLP before 0.15) is not supported; update the sender');
    else r.skip(tag, RESOURCE_LOGS_FIELDS, 'ResourceLogs');
  }
  r.leave(outer);
  const resource = attributes === undefined ? emptyResource() : resourceFromAttributes(attributes as Attributes);
  for (let i = first; i < records.length; i++) records[i].resource = resource;
}

function readScopeLogs(r: ProtobufReader, records: ReceivedLogRecord[], now: HrTime): void {
  const outer = r.enter();
  const first = records.length;
  let scope = NO_SCOPE;
  while (r.more) {
    const tag = r.uint32();
    if (tag === SCOPE_LOGS_RECORDS) records.push(readLogRecord(r, now));
    else if (tag === SCOPE_LOGS_SCOPE) scope = readScope(r);
    else r.skip(tag, SCOPE_LOGS_FIELDS, 'ScopeLogs');
  }
  r.leave(outer);
  for (let i = first; i < records.length; i++) records[i].instrumentationScope = scope;
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
