/**
 * The least of a finished span the turn derivation needs, whatever produced it: the SDK's
 * ReadableSpan in-process, a span decoded from OTLP in `transcriber collect`. Times are epoch
 * milliseconds (fractional).
 */
export interface SpanShape {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  /**
   * The `telemetry.sdk.language` of the process that recorded it (`nodejs`, `python`): LiveKit's
   * Node and Python releases give two of their attributes in different units.
   */
  readonly sdkLanguage: string | undefined;
}

/** A numeric attribute, or undefined when absent or not a finite number. */
export function numberAttribute(span: SpanShape, name: string): number | undefined {
  const value = span.attributes[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
