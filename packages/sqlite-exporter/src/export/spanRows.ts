import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_COMPONENT, ATTR_ERROR_TYPE, ATTR_OPERATION } from '@transcriber/instrumentation';
import { SpanRollupBatch } from '../rollup/spanRollupRows';
import type { WriteWork } from '../write/databaseWriter';
import { attributesJson } from '../write/json';
import type { PerformanceStatements } from '../write/performanceStatements';
import { hrDurationToMillis, hrTimeToMicros } from '../write/time';

// Stored in their own columns, so not repeated in the attributes JSON.
const COLUMN_ATTRIBUTES = [ATTR_COMPONENT, ATTR_OPERATION];

/** Writes a slice of spans as rows of `spans`, and adds them to the per-minute `span_rollup`. */
export function spanWork(spans: readonly ReadableSpan[]): WriteWork<PerformanceStatements> {
  return {
    rows: spans.length,
    apply(statements) {
      const rollup = new SpanRollupBatch();
      for (const span of spans) insertSpan(statements, span, rollup);
      rollup.writeTo(statements.upsertSpanRollup);
    },
  };
}

function insertSpan(statements: PerformanceStatements, span: ReadableSpan, rollup: SpanRollupBatch): void {
  const context = span.spanContext();
  const attributes = span.attributes;
  const component = attributes[ATTR_COMPONENT];
  const operation = attributes[ATTR_OPERATION];
  const errorType = attributes[ATTR_ERROR_TYPE];
  const startUs = hrTimeToMicros(span.startTime);
  const durationMs = hrDurationToMillis(span.duration);
  if (typeof component === 'string')
    rollup.add(component, startUs, durationMs, span.status.code === SpanStatusCode.ERROR);
  statements.insertSpan.run(
    context.traceId,
    context.spanId,
    span.parentSpanContext?.spanId ?? null,
    span.name,
    span.kind,
    typeof component === 'string' ? component : null,
    typeof operation === 'string' ? operation : null,
    startUs,
    hrTimeToMicros(span.endTime),
    durationMs,
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
    span.instrumentationScope.name,
    statements.resources.idOf(span.resource),
  );
}
