import { createContextKey, type Attributes, type Context } from '@opentelemetry/api';

/**
 * How operations reach the turn they run in: a turn (`timeOperation('pipeline', 'turn', …)`)
 * puts itself in its context under this key, and every context derived from it (the nested
 * operations', and whatever `context.active()` is in code the turn runs) carries it. So a mark
 * made on the LLM operation, or by the preload's instrumentation of a library, finds its turn
 * with one context lookup, without any reference being passed around. `createContextKey` is
 * `Symbol.for`, so two copies of this package in one process find each other's turns.
 */
export const TURN_CONTEXT_KEY = createContextKey('@transcriber/instrumentation turn');

/** What a turn accepts from the operations nested in it. */
export interface TurnSink {
  /** A mark made at `timeMs` (performance.now()) by a nested operation. */
  noteMark(name: string, timeMs: number, attributes?: Attributes): void;
  /** Usage reported by a nested operation, summed into the turn. */
  noteUsage(name: string, amount: number): void;
  /** A per-operation figure (e.g. time to first chunk): the turn keeps the first one. */
  noteFirst(name: string, value: number): void;
  /** A rate's numerator and denominator (e.g. STT processing and audio seconds), summed into the turn. */
  noteRate(name: string, numerator: number, denominator: number): void;
}

/** The turn `context` runs in, if any. */
export function turnIn(ctx: Context): TurnSink | undefined {
  return ctx.getValue(TURN_CONTEXT_KEY) as TurnSink | undefined;
}
