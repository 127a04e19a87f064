import { ROOT_CONTEXT, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_COMPONENT, ATTR_ERROR_TYPE, ATTR_OPERATION } from '@transcriber/instrumentation';
import { SqliteSpanExporter } from '@transcriber/storage';
import { testResource } from './sqliteTelemetry';

/** One operation with a known start and duration. */
export interface SpanSpec {
  component?: string;
  operation?: string;
  name?: string;
  startMs: number;
  durationMs: number;
  errorType?: string;
  attributes?: Attributes;
  events?: { name: string; atMs: number; attributes?: Attributes }[];
  /** Index of an earlier spec in the same call: this span becomes its child (same trace). */
  parent?: number;
}

/**
 * Writes spans with chosen times through a real tracer provider and our exporter (not the global
 * provider), and returns them as the SDK recorded them, in the order given. `resource` adds to (or
 * replaces) the resource's attributes, e.g. another `process.pid`.
 */
export async function recordSpans(
  dataDir: string,
  specs: readonly SpanSpec[],
  service = 'voice-agent-test',
  resource: Record<string, string | number> = {},
): Promise<ReadableSpan[]> {
  // No retention: these spans have chosen (often old) times and a second call must not prune them.
  const exporter = new SqliteSpanExporter({ dataDir, retention: {} });
  const seen = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: testResource({ 'service.name': service, ...resource }),
    spanProcessors: [new SimpleSpanProcessor(exporter), new SimpleSpanProcessor(seen)],
  });
  const tracer = provider.getTracer('@transcriber/test');
  const started: Span[] = [];
  for (const spec of specs) {
    const attributes: Attributes = { ...spec.attributes };
    if (spec.component !== undefined) attributes[ATTR_COMPONENT] = spec.component;
    if (spec.operation !== undefined) attributes[ATTR_OPERATION] = spec.operation;
    const parent = spec.parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, started[spec.parent]);
    const span = tracer.startSpan(
      spec.name ?? `${spec.component}.${spec.operation}`,
      { startTime: spec.startMs, attributes },
      parent,
    );
    for (const event of spec.events ?? []) span.addEvent(event.name, event.attributes, event.atMs);
    if (spec.errorType !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, spec.errorType);
      span.setStatus({ code: SpanStatusCode.ERROR, message: spec.errorType });
    }
    started.push(span);
  }
  // End in reverse so children end before parents, as real nested operations do.
  for (let i = specs.length - 1; i >= 0; i--) started[i].end(specs[i].startMs + specs[i].durationMs);
  await provider.forceFlush();
  await exporter.forceFlush();
  // (Shutting down clears the in-memory exporter: take its spans first.)
  const byId = new Map(seen.getFinishedSpans().map((s) => [s.spanContext().spanId, s]));
  await provider.shutdown();
  return started.map((s) => byId.get(s.spanContext().spanId)!);
}

/** Milliseconds of a span's duration as the exporter stores them. */
export const durationMs = (span: ReadableSpan) => span.duration[0] * 1000 + span.duration[1] / 1e6;
