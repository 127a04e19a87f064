import { clock } from '../../src/output/format';
import { makeStyle, withoutColour } from '../../src/output/style';
import { printWaterfall, waterfallRows } from '../../src/printers/waterfallPrinter';
import type { TraceTurn, TraceView, WaterfallSpan } from '../../src/results/traceView';
import { T0_US, turnRecord } from '../fixtures/results';

const plain = makeStyle(false);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const MARKS_LEGEND =
  'marks: u user_speech_end · e end_of_utterance · f final_transcript · t first_token · b first_audio_byte · p first_audio_played · ! interruption';
const STAGES_LEGEND =
  'e endpointing · t transcription · a agent · s tts · p playout · u unexplained; UPPER CASE: the slowest stage';
// The table without its timeline is 47 columns wide: on a 101-column terminal the timeline gets
// 50 (101 - 47 - 4 of margin), so one column stands for 20 ms of this 1000 ms trace.
const COLUMNS = 101;

function span(spanId: string, parentSpanId: string | null, fields: Partial<WaterfallSpan>): WaterfallSpan {
  const offsetMs = fields.offsetMs ?? 0;
  const durationMs = fields.durationMs ?? 0;
  return {
    traceId: TRACE,
    spanId,
    parentSpanId,
    name: spanId,
    component: null,
    operation: null,
    startUs: T0_US + offsetMs * 1000,
    endUs: T0_US + (offsetMs + durationMs) * 1000,
    durationMs,
    error: false,
    errorType: null,
    serviceName: 'voice-agent',
    statusMessage: null,
    attributes: {},
    events: [],
    depth: 0,
    offsetMs,
    ...fields,
  };
}

const spans = [
  span('turn', null, { name: 'pipeline turn', component: 'pipeline', operation: 'turn', durationMs: 1000 }),
  span('stt', 'turn', { name: 'stt transcribe', component: 'stt', depth: 1, offsetMs: 100, durationMs: 200 }),
  span('llm', 'turn', {
    name: 'llm chat',
    component: 'llm',
    depth: 1,
    offsetMs: 300,
    durationMs: 500,
    error: true,
    errorType: 'TimeoutError',
    statusMessage: 'TimeoutError',
  }),
  span('tool', 'llm', { name: 'tool lookup', depth: 2, offsetMs: 400, durationMs: 0.5 }),
];

const turn: TraceTurn = {
  spanId: 'turn',
  turn: turnRecord([50, 150, 450, 100, 50, 0], { traceId: TRACE, spanId: 'turn', durationMs: 1000 }),
  marks: [
    { name: 'user_speech_end', offsetMs: 50 },
    { name: 'end_of_utterance', offsetMs: 100 },
    { name: 'final_transcript', offsetMs: 250 },
    { name: 'first_token', offsetMs: 700 },
    { name: 'first_audio_byte', offsetMs: 800 },
    { name: 'first_audio_played', offsetMs: 850 },
  ],
  stagesFromMs: 50,
};

function trace(fields: Partial<TraceView> = {}): TraceView {
  return {
    traceId: TRACE,
    startUs: T0_US,
    durationMs: 1000,
    spanCount: 4,
    errorCount: 1,
    spans,
    turns: [turn],
    ...fields,
  };
}

const block = (n: number) => '█'.repeat(n);

describe('printWaterfall', () => {
  it('draws the span tree on the trace time axis, and under the turn its marks and its stages from the end of speech', () => {
    expect(printWaterfall(trace(), makeStyle(false, COLUMNS))).toBe(
      [
        `trace ${TRACE}  ${clock(T0_US)}  1000 ms  4 spans  1 failed`,
        `span              component  offset ms       ms  timeline${' '.repeat(44)}error`,
        `pipeline turn     pipeline        0.00     1000  ${block(50)}`,
        `  · marks${' '.repeat(40)}  u  e      f                      t    b p`,
        `  · stages${' '.repeat(30)}v2v 800    eeetttttttt${'A'.repeat(22)}ssssspp`,
        `  stt transcribe  stt              100      200       ${block(10)}`,
        `  llm chat        llm              300      500  ${' '.repeat(15)}${block(25)}${' '.repeat(12)}TimeoutError`,
        `    tool lookup   -                400     0.50  ${' '.repeat(20)}█`,
        MARKS_LEGEND,
        STAGES_LEGEND,
      ].join('\n'),
    );
  });

  it('gives the timeline at least 20 columns on a narrow terminal', () => {
    const lines = printWaterfall(trace(), makeStyle(false, 40)).split('\n');
    expect(lines[2]).toBe(`pipeline turn     pipeline        0.00     1000  ${block(20)}`);
  });

  it('keeps every mark, in order, when marks are closer than a column', () => {
    const close: TraceTurn = {
      ...turn,
      marks: [
        { name: 'first_token', offsetMs: 700 },
        { name: 'first_audio_byte', offsetMs: 705 },
        { name: 'first_audio_played', offsetMs: 710 },
      ],
    };
    const lines = printWaterfall(trace({ turns: [close] }), makeStyle(false, COLUMNS)).split('\n');
    expect(lines[3]).toBe(`  · marks${' '.repeat(40)}${' '.repeat(35)}tbp`);
  });

  it('says when the turn lacks the marks to place its stages, and draws a trace without turns without their legend', () => {
    const unplaced = printWaterfall(trace({ turns: [{ ...turn, marks: [], stagesFromMs: null }] }), plain);
    expect(unplaced.split('\n')[3]).toMatch(/^ {2}· stages +v2v 800 {2}\(no marks to place the stages by\)$/);
    const bare = printWaterfall(trace({ turns: [], errorCount: 0, spanCount: 2, spans: spans.slice(0, 2) }), plain);
    expect(bare.split('\n')).toHaveLength(4);
    expect(bare.split('\n')[0]).toBe(`trace ${TRACE}  ${clock(T0_US)}  1000 ms  2 spans`);
  });

  it('names an error by its type and message once each, "error" when it has neither', () => {
    const errors = [
      span('a', null, { error: true, errorType: 'TimeoutError', statusMessage: 'no answer in 5 s', durationMs: 10 }),
      span('b', null, { error: true, durationMs: 10 }),
    ];
    const lines = printWaterfall(trace({ spans: errors, turns: [] }), plain).split('\n');
    expect(lines[2]).toMatch(/ TimeoutError: no answer in 5 s$/);
    expect(lines[3]).toMatch(/ error$/);
  });

  it('places the marks after an interruption (ticked in yellow) where they belong, in colour as without', () => {
    const interrupted: TraceTurn = {
      ...turn,
      marks: [...turn.marks.slice(0, 3), { name: 'interruption', offsetMs: 300 }, ...turn.marks.slice(3)],
    };
    const view = trace({ turns: [interrupted] });
    const coloured = printWaterfall(view, makeStyle(true, COLUMNS));
    expect(coloured).toContain('\u001b[33m!\u001b[39m');
    expect(printWaterfall(view, makeStyle(false, COLUMNS)).split('\n')[3]).toBe(
      `  · marks${' '.repeat(40)}  u  e      f  !                   t    b p`,
    );
    expect(withoutColour(coloured)).toBe(printWaterfall(view, makeStyle(false, COLUMNS)));
  });

  it('shows failed spans in red and the others in cyan', () => {
    const text = printWaterfall(trace(), makeStyle(true, COLUMNS));
    expect(withoutColour(text)).toBe(printWaterfall(trace(), makeStyle(false, COLUMNS)));
    expect(text).toContain(`\u001b[36m${block(10)}\u001b[39m`);
    expect(text).toContain(`\u001b[31m${block(25)}\u001b[39m`);
    expect(text).toContain('\u001b[31mllm chat\u001b[39m');
  });
});

describe('waterfallRows', () => {
  it('gives one CSV row per span in tree order', () => {
    const rows = waterfallRows(trace());
    expect(rows.map((r) => r.span_id)).toEqual(['turn', 'stt', 'llm', 'tool']);
    expect(rows[2]).toEqual({
      trace_id: TRACE,
      span_id: 'llm',
      parent_span_id: 'turn',
      depth: 1,
      name: 'llm chat',
      component: 'llm',
      operation: null,
      offset_ms: 300,
      duration_ms: 500,
      error: true,
      error_type: 'TimeoutError',
      status_message: 'TimeoutError',
    });
  });
});
