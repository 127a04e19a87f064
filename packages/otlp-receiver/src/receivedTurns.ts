import { SpanKind, TraceFlags } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE } from '@transcriber/instrumentation/names';
import {
  derivedTurnAttributes,
  derivedTurnSpanId,
  epochMsToHrTime,
  isPipecatTurn,
  LIVEKIT_SPAN,
  TurnAssembler,
  type DerivedTurn,
  type SpanShape,
} from '@transcriber/instrumentation/frameworkSpans';
import { ReceivedSpan } from './receivedSpan';

// Derived turns are ours: recorded under this project's instrumentation scope, as in-process turns are.
const SCOPE = Object.freeze({ name: INSTRUMENTATION_SCOPE, version: '0.1.0' });

/**
 * The turns of the frameworks' spans `transcriber collect` receives (LiveKit Agents, Pipecat):
 * the spans a turn is built from go to the same TurnAssembler the preload uses, across requests
 * (a turn's pieces come in several), and each turn it completes becomes a `pipeline.turn` span
 * like the one our marks give, stored with the request that completed it: in the framework's trace,
 * under its session span, its id derived from the span it was built around (a resent request
 * cannot store one turn under two ids), with the resource of that span (the sender's service).
 */
export class ReceivedTurns {
  private readonly assembler: TurnAssembler;

  constructor(readonly maxOpenExchanges = 1_000) {
    this.assembler = new TurnAssembler({ maxOpenExchanges });
  }

  /**
   * How many turns `spans` could complete at most, counted before they are taken: each turn is
   * built around one user turn (LiveKit) or turn span (Pipecat), received now or before.
   */
  static possibleTurns(spans: readonly ReceivedSpan[]): number {
    let anchors = 0;
    for (const span of spans) if (span.name === LIVEKIT_SPAN.USER_TURN || span.name === 'turn') anchors++;
    return anchors;
  }

  /**
   * Takes a request's spans; returns the turn spans they completed. They are taken in the order they
   * ended (a request groups its spans by resource and scope, so Pipecat's `turn`, of the
   * `pipecat.turn` tracer, may come before its `llm` and `tts`, of `pipecat`), a child before a
   * parent that ended at the same time.
   */
  take(spans: readonly ReceivedSpan[]): ReceivedSpan[] {
    const wanted: ReceivedSpan[] = [];
    for (const span of spans) {
      if (!TurnAssembler.wants(span.name)) continue;
      // Pipecat's `turn` is kept as it came; a `turn` of anyone else is not ours to read.
      if (span.name === 'turn' && !isPipecatTurn(span)) continue;
      wanted.push(span);
    }
    wanted.sort(byEnd);
    const turns: ReceivedSpan[] = [];
    for (const span of wanted) for (const turn of this.assembler.add(span)) turns.push(turnSpan(turn));
    return turns;
  }

  /** The exchanges still open, as they are (the receiver is stopping). */
  flush(): ReceivedSpan[] {
    return this.assembler.flush().map(turnSpan);
  }
}

function byEnd(a: SpanShape, b: SpanShape): number {
  if (a.endMs !== b.endMs) return a.endMs - b.endMs;
  if (a.parentSpanId === b.spanId) return -1;
  return b.parentSpanId === a.spanId ? 1 : 0;
}

function turnSpan(turn: DerivedTurn): ReceivedSpan {
  // The anchor is the received span itself (ReceivedSpan is a SpanShape): its resource is the sender's.
  const anchor = turn.anchor as ReceivedSpan;
  const span = new ReceivedSpan(anchor.resource, SCOPE);
  span.name = 'pipeline.turn';
  span.kind = SpanKind.INTERNAL;
  span.traceId = turn.traceId;
  span.spanId = derivedTurnSpanId(anchor.spanId);
  span.traceFlags = TraceFlags.SAMPLED;
  span.parentSpanContext = {
    traceId: turn.traceId,
    spanId: turn.parentSpanId ?? anchor.spanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  };
  span.startTime = epochMsToHrTime(turn.startMs);
  span.endTime = epochMsToHrTime(turn.endMs);
  span.attributes = derivedTurnAttributes(turn);
  for (const mark of turn.marks) span.addEvent({ name: mark.name, time: epochMsToHrTime(mark.timeMs), attributes: {} });
  return span;
}
