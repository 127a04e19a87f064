// The result of `transcriber traces show`: one trace laid out as a waterfall, by the read side's
// traceTree (the web view draws the same), with its voice turns' marks and stages.
export type { TraceTurn, TraceView, TurnMark, WaterfallSpan } from '@transcriber/queries';
