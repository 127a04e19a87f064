import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_COMPONENT, ATTR_ERROR_TYPE, ATTR_OPERATION } from '@transcriber/instrumentation/names';
import { attributesJson } from '../write/json';
import type { SpanBatch } from '../write/performanceBatch';
import { resourceJson } from '../write/resourceIds';
import { hrDurationToMillis, hrTimeToMicros } from '../write/time';

// Stored in their own columns, so not repeated in the attributes JSON.
const COLUMN_ATTRIBUTES = [ATTR_COMPONENT, ATTR_OPERATION];

/** Spans as rows of `spans` (the rollup is derived from them where they are written). */
export function spanBatch(spans: readonly ReadableSpan[]): SpanBatch {
  const resources: string[] = [];
  let lastResource: Resource | undefined;
  let lastIndex = -1;
  const values: unknown[] = [];
  const strings = new StringTable();
  for (const span of spans) {
    // Consecutive spans nearly always share their resource object: look it up only on a change.
    if (span.resource !== lastResource) {
      lastResource = span.resource;
      const json = resourceJson(span.resource);
      lastIndex = resources.indexOf(json);
      if (lastIndex === -1) lastIndex = resources.push(json) - 1;
    }
    pushSpan(values, span, lastIndex, strings);
  }
  return { kind: 'spans', rows: spans.length, resources, strings: strings.strings, values };
}

/** The strings of a batch, each kept once (see SpanBatch.strings). */
class StringTable {
  readonly strings: string[] = [];
  private readonly indexes = new Map<string, number>();

  indexOf(value: unknown): number {
    if (typeof value !== 'string') return -1;
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.strings.push(value) - 1;
      this.indexes.set(value, index);
    }
    return index;
  }
}

function pushSpan(values: unknown[], span: ReadableSpan, resourceIndex: number, strings: StringTable): void {
  const context = span.spanContext();
  const attributes = span.attributes;
  const component = attributes[ATTR_COMPONENT];
  const operation = attributes[ATTR_OPERATION];
  const errorType = attributes[ATTR_ERROR_TYPE];
  values.push(
    context.traceId,
    context.spanId,
    span.parentSpanContext?.spanId ?? null,
    strings.indexOf(span.name),
    span.kind,
    strings.indexOf(component),
    strings.indexOf(operation),
    hrTimeToMicros(span.startTime),
    hrTimeToMicros(span.endTime),
    hrDurationToMillis(span.duration),
    span.status.code,
    span.status.message ?? null,
    typeof errorType === 'string' ? errorType : null,
    attributesJson(attributes, COLUMN_ATTRIBUTES),
    span.events.length === 0
      ? null
      : JSON.stringify(
          span.events.map((e) => ({ name: e.name, time_us: hrTimeToMicros(e.time), attributes: e.attributes })),
        ),
    span.links.length === 0
      ? null
      : JSON.stringify(
          span.links.map((l) => ({ trace_id: l.context.traceId, span_id: l.context.spanId, attributes: l.attributes })),
        ),
    strings.indexOf(span.instrumentationScope.name),
    resourceIndex,
  );
}
