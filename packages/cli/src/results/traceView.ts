// The result of `transcriber traces show`: one trace laid out as a waterfall with its turns, by the
// read side's traceTree (the web view draws the same).
export type { TraceView, WaterfallSpan, TraceTurn, TurnMark } from '@transcriber/queries';
