import type { TracesResult } from '../results/traces';
import { clock, ms, serviceScope } from '../output/format';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

export function printTraces(result: TracesResult, style: Style): string {
  const what = result.order === 'slowest' ? 'Slowest' : 'Most recent';
  const heading = style.bold(`${what} operations, last ${result.window.minutes} min${serviceScope(result.service)}`);
  if (result.operations.length === 0) return `${heading}\n${style.dim('no operations recorded in this window')}`;
  const table = formatTable(
    [
      { header: 'started', value: (o) => clock(o.startUs) },
      { header: 'component', value: (o) => o.component ?? '-' },
      { header: 'operation', value: (o) => o.operation ?? o.name },
      { header: 'ms', align: 'right', value: (o) => ms(o.durationMs) },
      { header: 'status', value: (o) => (o.error ? style.red(o.errorType ?? 'error') : style.green('ok')) },
      { header: 'trace', value: (o) => o.traceId },
    ],
    result.operations,
    style,
  );
  return `${heading}\n${table}\n\n${style.dim('transcriber traces show <trace> draws one trace')}`;
}

export function tracesRows(result: TracesResult) {
  return result.operations.map((o) => ({
    start_us: o.startUs,
    component: o.component,
    operation: o.operation,
    name: o.name,
    duration_ms: o.durationMs,
    error: o.error,
    error_type: o.errorType,
    service: o.serviceName,
    trace_id: o.traceId,
    span_id: o.spanId,
  }));
}
