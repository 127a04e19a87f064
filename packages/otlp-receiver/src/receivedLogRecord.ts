import type { HrTime, SpanContext } from '@opentelemetry/api';
import type { LogAttributes, LogBody, SeverityNumber } from '@opentelemetry/api-logs';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

const EPOCH: HrTime = [0, 0];

/**
 * A log record received over OTLP, in the shape the SDK hands to log record exporters, so our
 * events are written by {@link SqliteLogRecordExporter} exactly like events emitted in this process.
 */
export class ReceivedLogRecord implements ReadableLogRecord {
  hrTime: HrTime = EPOCH;
  hrTimeObserved: HrTime = EPOCH;
  spanContext: SpanContext | undefined = undefined;
  severityText: string | undefined = undefined;
  severityNumber: SeverityNumber | undefined = undefined;
  body: LogBody | undefined = undefined;
  eventName: string | undefined = undefined;
  attributes: LogAttributes = {};
  droppedAttributesCount = 0;

  constructor(
    public resource: Resource,
    public instrumentationScope: InstrumentationScope,
  ) {}
}
