import type { Attributes, HrTime } from '@opentelemetry/api';
import type { AnyValue, LogAttributes, SeverityNumber } from '@opentelemetry/api-logs';
import { emptyResource, resourceFromAttributes } from '@opentelemetry/resources';
import { readJsonAnyValue, readJsonAttributes, readJsonResourceAttributes, readJsonScope } from './jsonCommon';
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
import { finishLogRecord } from './logRecordFields';
import { ReceivedLogRecord } from './receivedLogRecord';
import { jsonNanosToHrTime } from './unixNanos';
import type { ValueLimits } from './valueLimits';

/** `SeverityNumber` names, for senders that write the enum by name. */
const SEVERITY_NUMBERS: Record<string, number> = Object.fromEntries(
  [
    'UNSPECIFIED',
    'TRACE',
    'TRACE2',
    'TRACE3',
    'TRACE4',
    'DEBUG',
    'DEBUG2',
    'DEBUG3',
    'DEBUG4',
    'INFO',
    'INFO2',
    'INFO3',
    'INFO4',
    'WARN',
    'WARN2',
    'WARN3',
    'WARN4',
    'ERROR',
    'ERROR2',
    'ERROR3',
    'ERROR4',
    'FATAL',
    'FATAL2',
    'FATAL3',
    'FATAL4',
  ].map((name, i) => [`SEVERITY_NUMBER_${name}`, i]),
);

/**
 * Decodes an `ExportLogsServiceRequest` in OTLP/JSON into log records ready for
 * SqliteLogRecordExporter. A malformed body throws OtlpDecodeError. `now` stands in for records
 * that carry no time at all.
 */
export function decodeLogsRequestJson(body: Buffer, now: HrTime, limits: ValueLimits): ReceivedLogRecord[] {
  const request = parseJsonBody(body);
  const records: ReceivedLogRecord[] = [];
  eachOf(fieldOf(request, 'resourceLogs', 'resource_logs'), 'resourceLogs', (element) => {
    const resourceLogs = objectAt(element, 'ResourceLogs') ?? {};
    const attributes = readJsonResourceAttributes(resourceLogs.resource, limits);
    const resource =
      Object.keys(attributes).length === 0 ? emptyResource() : resourceFromAttributes(attributes as Attributes);
    eachOf(fieldOf(resourceLogs, 'scopeLogs', 'scope_logs'), 'scopeLogs', (element) => {
      const scopeLogs = objectAt(element, 'ScopeLogs') ?? {};
      const scope = readJsonScope(scopeLogs.scope);
      eachOf(fieldOf(scopeLogs, 'logRecords', 'log_records'), 'logRecords', (element) => {
        const record = new ReceivedLogRecord(resource, scope);
        readLogRecord(objectAt(element, 'LogRecord') ?? {}, record, now, limits);
        records.push(record);
      });
    });
  });
  return records;
}

function readLogRecord(json: JsonObject, record: ReceivedLogRecord, now: HrTime, limits: ValueLimits): void {
  record.hrTime = jsonNanosToHrTime(fieldOf(json, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano');
  record.hrTimeObserved = jsonNanosToHrTime(
    fieldOf(json, 'observedTimeUnixNano', 'observed_time_unix_nano'),
    'observedTimeUnixNano',
  );
  const severityNumber = enumAt(fieldOf(json, 'severityNumber', 'severity_number'), SEVERITY_NUMBERS, 'severityNumber');
  if (severityNumber !== 0) record.severityNumber = severityNumber as SeverityNumber;
  const severityText = stringAt(fieldOf(json, 'severityText', 'severity_text'), 'severityText');
  if (severityText !== '') record.severityText = severityText;
  const body = readJsonAnyValue(json.body, 'bytes', limits);
  if (body !== undefined) record.body = body as AnyValue;
  const attributes: Record<string, unknown> = {};
  readJsonAttributes(json.attributes, 'attributes', attributes, 'bytes', limits);
  record.attributes = attributes as LogAttributes;
  record.droppedAttributesCount = unsignedAt(
    fieldOf(json, 'droppedAttributesCount', 'dropped_attributes_count'),
    'droppedAttributesCount',
  );
  const eventName = stringAt(fieldOf(json, 'eventName', 'event_name'), 'eventName');
  if (eventName !== '') record.eventName = eventName;
  finishLogRecord(
    record,
    idAt(fieldOf(json, 'traceId', 'trace_id'), 'traceId'),
    idAt(fieldOf(json, 'spanId', 'span_id'), 'spanId'),
    unsignedAt(json.flags, 'flags'),
    now,
  );
}
