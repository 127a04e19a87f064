import type { TraceTurn, TraceView, WaterfallSpan } from '../results/traceView';
import { slowestStageOf } from '../results/turns';
import { stageBar } from '../output/stageBar';
import { segmentsOf, stageLegend } from './turnsPrinter';
import { clock, ms } from '../output/format';
import { visibleWidth, type Style } from '../output/style';
import { formatTable } from '../output/table';

const MIN_BAR_WIDTH = 20;

/** The letter a turn's mark is ticked with on the `marks` row. */
const MARK_LETTERS: Readonly<Record<string, string>> = {
  user_speech_end: 'u',
  end_of_utterance: 'e',
  final_transcript: 'f',
  first_token: 't',
  first_audio_byte: 'b',
  first_audio_played: 'p',
  interruption: '!',
};

/** A waterfall row: a span, or one of the two rows drawn under a turn's span. */
type Row = { span: WaterfallSpan } | { turnRow: 'marks' | 'stages'; turn: TraceTurn; depth: number };

/**
 * The trace as a waterfall: one row per span in tree order (indented by depth), its component,
 * start offset and duration, a bar placed on the trace's time axis, and its error. Under each voice
 * turn, its marks as ticks on the same axis and its stages laid end to end from the user's end of
 * speech, so the voice-to-voice time is seen where it went.
 */
export function printWaterfall(trace: TraceView, style: Style): string {
  const heading = `${style.bold(`trace ${trace.traceId}`)}  ${clock(trace.startUs)}  ${ms(trace.durationMs)} ms  ${trace.spanCount} spans${
    trace.errorCount > 0 ? `  ${style.red(`${trace.errorCount} failed`)}` : ''
  }`;
  const rows = rowsOf(trace);
  const columns = [
    { header: 'span', value: (r: Row) => spanCell(r, style) },
    { header: 'component', value: (r: Row) => ('span' in r ? (r.span.component ?? '-') : '') },
    { header: 'offset ms', align: 'right' as const, value: (r: Row) => ('span' in r ? ms(r.span.offsetMs) : '') },
    { header: 'ms', align: 'right' as const, value: (r: Row) => durationCell(r) },
  ];
  const withoutBar = formatTable(columns, rows, style);
  const used = Math.max(...withoutBar.split('\n').map(visibleWidth));
  const barWidth = Math.max(MIN_BAR_WIDTH, style.columns - used - 4);
  const table = formatTable(
    [
      ...columns,
      { header: 'timeline', value: (r: Row) => timelineCell(r, trace.durationMs, barWidth, style) },
      { header: 'error', value: (r: Row) => ('span' in r && r.span.error ? style.red(errorText(r.span)) : '') },
    ],
    rows,
    style,
  );
  const marks = Object.entries(MARK_LETTERS).map(([name, letter]) => `${letter} ${name}`);
  const legend = rows.some((r) => 'turnRow' in r)
    ? `\n${style.dim(`marks: ${marks.join(' · ')}`)}\n${stageLegend(style)}`
    : '';
  return `${heading}\n${table}${legend}`;
}

function rowsOf(trace: TraceView): Row[] {
  const turns = new Map(trace.turns.map((t) => [t.spanId, t]));
  const rows: Row[] = [];
  for (const span of trace.spans) {
    rows.push({ span });
    const turn = turns.get(span.spanId);
    if (turn === undefined) continue;
    // A turn that marked nothing has nothing to draw (a `pipeline`/`turn` operation of its own).
    if (turn.marks.length > 0) rows.push({ turnRow: 'marks', turn, depth: span.depth + 1 });
    if (turn.turn.stages.some((s) => s.ms !== null)) rows.push({ turnRow: 'stages', turn, depth: span.depth + 1 });
  }
  return rows;
}

function spanCell(row: Row, style: Style): string {
  if ('span' in row)
    return `${'  '.repeat(row.span.depth)}${row.span.error ? style.red(row.span.name) : row.span.name}`;
  return style.dim(`${'  '.repeat(row.depth)}${row.turnRow === 'marks' ? '· marks' : '· stages'}`);
}

function durationCell(row: Row): string {
  if ('span' in row) return ms(row.span.durationMs);
  if (row.turnRow !== 'stages') return '';
  const v2v = row.turn.turn.voiceToVoiceMs;
  return v2v === null ? '' : `v2v ${ms(v2v)}`;
}

function timelineCell(row: Row, totalMs: number, width: number, style: Style): string {
  const scale = totalMs > 0 ? width / totalMs : 0;
  const column = (offsetMs: number) => Math.max(0, Math.min(width - 1, Math.floor(offsetMs * scale)));
  if ('span' in row) {
    const start = column(row.span.offsetMs);
    const length = Math.max(1, Math.min(width - start, Math.round(row.span.durationMs * scale)));
    const drawn = '█'.repeat(length);
    return ' '.repeat(start) + (row.span.error ? style.red(drawn) : style.cyan(drawn));
  }
  const { turn } = row;
  if (row.turnRow === 'marks') {
    // Marks close together share a column at this scale: each goes at least one column after the
    // one before (past the bar's end if need be), so every mark shows, in order. Columns are counted
    // apart from the text: an interruption's colour escapes take no column on the terminal.
    let ticks = '';
    let next = 0;
    for (const mark of turn.marks) {
      const at = Math.max(column(mark.offsetMs), next);
      const letter = MARK_LETTERS[mark.name] ?? '?';
      ticks += ' '.repeat(at - next) + (mark.name === 'interruption' ? style.yellow(letter) : letter);
      next = at + 1;
    }
    return ticks;
  }
  if (turn.stagesFromMs === null) return style.dim('(no marks to place the stages by)');
  const stages = turn.turn.stages;
  const slowest = slowestStageOf(stages);
  const totalStagesMs = stages.reduce((sum, s) => sum + (s.ms ?? 0), 0);
  const bar = stageBar(
    segmentsOf(stages),
    stages.findIndex((s) => s.stage === slowest),
    totalStagesMs,
    Math.max(1, Math.round(totalStagesMs * scale)),
    style,
  );
  return ' '.repeat(column(turn.stagesFromMs)) + bar;
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
