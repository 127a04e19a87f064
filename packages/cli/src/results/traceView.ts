import type { TraceSpan, TurnRecord } from '@transcriber/queries';

// The result of `transcriber traces show`: one trace laid out as a waterfall.

/** A span placed in its trace's tree: depth below its root and start offset from the trace start. */

export interface WaterfallSpan extends TraceSpan {
  depth: number;
  offsetMs: number;
}

/** A mark of a turn (a span event of the turn or of an operation in it), placed on the trace's axis. */
export interface TurnMark {
  name: string;
  offsetMs: number;
}

/** A voice turn in the trace: its record (stages, voice-to-voice), marks, and where its stages begin. */
export interface TraceTurn {
  /** The turn's span (a `pipeline`/`turn` operation) in `spans`. */
  spanId: string;
  turn: TurnRecord;
  marks: TurnMark[];
  /**
   * Offset of the first stage's start (the user's end of speech): the stages follow one another from
   * there, ending at the first audio played. Null when the turn lacks the marks to place them.
   */
  stagesFromMs: number | null;
}

export interface TraceView {
  traceId: string;
  startUs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  /** Depth-first, children in start order: the order a waterfall draws them. */
  spans: WaterfallSpan[];
  /** The voice turns among the spans, with what the waterfall draws over them. */
  turns: TraceTurn[];
}
