import { ComponentType } from '@transcriber/instrumentation/componentType';
import { MARK_INTERRUPTION, TURN_OPERATION } from '@transcriber/instrumentation/names';
import { TURN_BOUNDARY_MARKS } from '@transcriber/instrumentation/turnStages';
import { turnOfSpan, type TurnRecord } from './turnRows';
import type { TraceSpan } from './types';

/** A mark of a turn (a span event of the turn or of an operation in it), placed on the trace's axis. */
export interface TurnMark {
  name: string;
  offsetMs: number;
}

/** A voice turn in a trace: its record (stages, voice-to-voice), marks, and where its stages begin. */
export interface TraceTurn {
  /** The turn's span (a `pipeline`/`turn` operation) in the trace. */
  spanId: string;
  turn: TurnRecord;
  marks: TurnMark[];
  /**
   * Offset of the first stage's start (the user's end of speech): the stages follow one another from
   * there, ending at the first audio played. Null when the turn lacks the marks to place them.
   */
  stagesFromMs: number | null;
}

const TURN_MARKS = new Set([...TURN_BOUNDARY_MARKS, MARK_INTERRUPTION]);
const [FIRST_MARK] = TURN_BOUNDARY_MARKS;
const LAST_MARK = TURN_BOUNDARY_MARKS[TURN_BOUNDARY_MARKS.length - 1];

/**
 * The voice turns of a trace: each `pipeline`/`turn` span read as the turn listings read it, with
 * the marks recorded in it (span events of the turn and of the operations under it) placed on the
 * trace's time axis, and where its stages start: since they add up to voice-to-voice and end at
 * the first audio played, they begin voice-to-voice before that mark.
 */
export function traceTurns(spans: readonly TraceSpan[], traceStartUs: number): TraceTurn[] {
  const children = new Map<string, TraceSpan[]>();
  for (const span of spans) {
    if (span.parentSpanId === null) continue;
    const list = children.get(span.parentSpanId) ?? [];
    list.push(span);
    children.set(span.parentSpanId, list);
  }
  return spans
    .filter((s) => s.component === ComponentType.PIPELINE && s.operation === TURN_OPERATION)
    .map((span) => {
      const turn = turnOfSpan(span);
      const marks = marksUnder(span, children, traceStartUs);
      return { spanId: span.spanId, turn, marks, stagesFromMs: stagesStart(marks, turn.voiceToVoiceMs) };
    });
}

function marksUnder(root: TraceSpan, children: ReadonlyMap<string, TraceSpan[]>, traceStartUs: number): TurnMark[] {
  const marks: TurnMark[] = [];
  const seen = new Set<string>();
  const visit = (span: TraceSpan) => {
    if (seen.has(span.spanId)) return; // a span id repeated in bad data must not loop forever
    seen.add(span.spanId);
    for (const event of span.events) {
      if (TURN_MARKS.has(event.name)) marks.push({ name: event.name, offsetMs: (event.time_us - traceStartUs) / 1000 });
    }
    for (const child of children.get(span.spanId) ?? []) visit(child);
  };
  visit(root);
  // A mark made in an operation is recorded on it and on its turn: the same name at the same time.
  const unique = new Map(marks.map((m) => [`${m.name}@${m.offsetMs}`, m]));
  return [...unique.values()].sort((a, b) => a.offsetMs - b.offsetMs);
}

function stagesStart(marks: readonly TurnMark[], voiceToVoiceMs: number | null): number | null {
  const played = marks.find((m) => m.name === LAST_MARK);
  if (played !== undefined && voiceToVoiceMs !== null) return played.offsetMs - voiceToVoiceMs;
  // Without the end, the first stage begins at the user's (last) end of speech, if marked.
  const ends = marks.filter((m) => m.name === FIRST_MARK);
  return ends.length === 0 ? null : ends[ends.length - 1].offsetMs;
}
