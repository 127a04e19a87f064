import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { EVENT_ATTR } from '@transcriber/instrumentation/events';
import type { EventColumn } from '../schema/eventTable';
import type { WriteWork } from '../write/writeQueue';
import type { EventStatements } from '../write/eventStatements';
import { textValue } from '../write/json';
import { hrTimeToMicros } from '../write/time';

/** Writes event log records as rows of their event tables. */
export function eventWork(records: readonly ReadableLogRecord[]): WriteWork<EventStatements> {
  return {
    rows: records.length,
    apply(statements) {
      for (const record of records) {
        const insert = statements.get(record.eventName ?? '');
        if (insert === undefined) continue; // routed here by name, so this cannot happen
        insert.statement.run(
          ...commonValues(record, insert.table.columns),
          ...typedValues(record, insert.table.columns),
        );
      }
    },
  };
}

function commonValues(record: ReadableLogRecord, columns: readonly EventColumn[]): unknown[] {
  const attributes = record.attributes;
  const promoted = new Set<string>(columns.map((c) => c.attribute));
  promoted.add(EVENT_ATTR.COMPONENT);
  promoted.add(EVENT_ATTR.OPERATION);
  let rest: Record<string, unknown> | undefined;
  for (const key in attributes) {
    if (!promoted.has(key) && attributes[key] !== undefined) (rest ??= {})[key] = attributes[key];
  }
  const resource = record.resource.attributes;
  const pid = resource['process.pid'];
  const service = resource['service.name'];
  return [
    hrTimeToMicros(record.hrTime),
    record.eventName,
    textValue(attributes[EVENT_ATTR.COMPONENT]),
    textValue(attributes[EVENT_ATTR.OPERATION]),
    record.spanContext?.traceId ?? null,
    record.spanContext?.spanId ?? null,
    typeof service === 'string' ? service : null,
    typeof pid === 'number' ? pid : null,
    rest === undefined ? null : JSON.stringify(rest, bigintReplacer),
    record.body === undefined ? null : textValue(record.body),
  ];
}

function typedValues(record: ReadableLogRecord, columns: readonly EventColumn[]): unknown[] {
  return columns.map((column) => {
    const value = record.attributes[column.attribute];
    if (value === undefined || value === null) return null;
    switch (column.type) {
      case 'REAL':
      case 'INTEGER':
        if (typeof value === 'boolean') return value ? 1 : 0;
        return typeof value === 'number' ? value : Number(value);
      case 'BLOB':
        return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : null;
      default:
        return textValue(value);
    }
  });
}

function bigintReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}
