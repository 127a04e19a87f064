import type { TraceView, WaterfallSpan } from '../results/traceView';
import { clock, ms } from '../output/format';
import { visibleWidth, type Style } from '../output/style';
import { formatTable } from '../output/table';

const MIN_BAR_WIDTH = 20;

/**
 * The trace as a waterfall: one row per span in tree order (indented by depth), its component,
 * start offset and duration, a bar placed on the trace's time axis, and its error.
 */
export function printWaterfall(trace: TraceView, style: Style): string {
  const heading = `${style.bold(`trace ${trace.traceId}`)}  ${clock(trace.startUs)}  ${ms(trace.durationMs)} ms  ${trace.spanCount} spans${
    trace.errorCount > 0 ? `  ${style.red(`${trace.errorCount} failed`)}` : ''
  }`;
  const columns = [
    { header: 'span', value: (s: WaterfallSpan) => `${'  '.repeat(s.depth)}${s.error ? style.red(s.name) : s.name}` },
    { header: 'component', value: (s: WaterfallSpan) => s.component ?? '-' },
    { header: 'offset ms', align: 'right' as const, value: (s: WaterfallSpan) => ms(s.offsetMs) },
    { header: 'ms', align: 'right' as const, value: (s: WaterfallSpan) => ms(s.durationMs) },
  ];
  const withoutBar = formatTable(columns, trace.spans, style);
  const used = Math.max(...withoutBar.split('\n').map(visibleWidth));
  const barWidth = Math.max(MIN_BAR_WIDTH, style.columns - used - 4);
  const table = formatTable(
    [
      ...columns,
      { header: 'timeline', value: (s: WaterfallSpan) => bar(s, trace.durationMs, barWidth, style) },
      {
        header: 'error',
        value: (s: WaterfallSpan) => (s.error ? style.red(errorText(s)) : ''),
      },
    ],
    trace.spans,
    style,
  );
  return `${heading}\n${table}`;
}

function bar(span: WaterfallSpan, totalMs: number, width: number, style: Style): string {
  const scale = totalMs > 0 ? width / totalMs : 0;
  const start = Math.min(width - 1, Math.floor(span.offsetMs * scale));
  const length = Math.max(1, Math.min(width - start, Math.round(span.durationMs * scale)));
  const drawn = '█'.repeat(length);
  return ' '.repeat(start) + (span.error ? style.red(drawn) : style.cyan(drawn));
}

export function waterfallRows(trace: TraceView) {
  return trace.spans.map((s) => ({
    trace_id: s.traceId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    depth: s.depth,
    name: s.name,
    component: s.component,
    operation: s.operation,
    offset_ms: s.offsetMs,
    duration_ms: s.durationMs,
    error: s.error,
    error_type: s.errorType,
    status_message: s.statusMessage,
  }));
}

/** Error type and status message, each once (the instrumentation puts the type in both). */
function errorText(span: WaterfallSpan): string {
  const parts = [span.errorType, span.statusMessage].filter((v): v is string => v !== null && v !== '');
  return [...new Set(parts)].join(': ') || 'error';
}
