import type { DerivedTurn } from './derivedTurn';
import {
  deriveLiveKitTurn,
  LIVEKIT_ATTR,
  LIVEKIT_SPAN,
  liveKitAgentTurnSpoke,
  type LiveKitAgentTurn,
  type LiveKitExchange,
} from './liveKitTurns';
import { derivePipecatTurn, isPipecatTurn, PIPECAT_SPAN, pipecatServiceOf } from './pipecatTurns';
import { numberAttribute, type SpanShape } from './spanShape';

export interface TurnAssemblerOptions {
  /** Spans kept waiting for the turn they belong to (oldest dropped beyond). Default 20,000. */
  maxPendingSpans?: number;
  /** Exchanges kept open, waiting for the agent's answer (oldest derived as they are beyond). Default 1,000. */
  maxOpenExchanges?: number;
  /**
   * An exchange still unanswered this long after it began (by the spans' own clock: the latest end
   * seen) is derived as it is. Default 10 minutes.
   */
  maxExchangeAgeMs?: number;
}

// The spans a turn is built from, kept until their turn (their parent, or grandparent) ends.
const LIVEKIT_PARTS: ReadonlySet<string> = new Set([
  LIVEKIT_SPAN.USER_SPEAKING,
  LIVEKIT_SPAN.AGENT_SPEAKING,
  LIVEKIT_SPAN.LLM_NODE,
  LIVEKIT_SPAN.LLM_REQUEST,
  LIVEKIT_SPAN.LLM_REQUEST_RUN,
  LIVEKIT_SPAN.TTS_NODE,
  LIVEKIT_SPAN.TTS_REQUEST,
  LIVEKIT_SPAN.TTS_REQUEST_RUN,
  LIVEKIT_SPAN.FUNCTION_TOOL,
  LIVEKIT_SPAN.EOU_DETECTION,
]);

interface OpenExchange {
  userTurn: SpanShape;
  userSpans: SpanShape[];
  agentTurns: LiveKitAgentTurn[];
}

/**
 * Builds voice turns from a framework's spans as they end, one at a time, in any process: the
 * preload's span processor feeds it the spans of this process, `transcriber collect` the spans it
 * receives. A span ends after its children, so a turn's pieces arrive before it:
 * - Pipecat: `stt`, `llm`, `tts` are kept until their `turn` ends, which gives the turn;
 * - LiveKit: the spans under `user_turn` / `agent_turn` are kept until those end; a committed
 *   `user_turn` the user spoke in opens an exchange (in its trace: one session), the `agent_turn`s that begin after it join it,
 *   and the one that made the agent speak closes it and gives the turn. An exchange the agent
 *   never answered is given as it is (no voice-to-voice) when a later one is answered, the session
 *   ends, or it ages. Agent turns with no user turn before them (a greeting) are no exchange.
 * Everything kept is bounded (see the options), so spans that never find their turn cost nothing
 * for long.
 */
export class TurnAssembler {
  private readonly maxPendingSpans: number;
  private readonly maxOpenExchanges: number;
  private readonly maxExchangeAgeMs: number;
  /** Parts waiting for their parent, by parent span id (insertion order: oldest first). */
  private readonly pending = new Map<string, SpanShape[]>();
  private pendingCount = 0;
  /** The exchanges still waiting for their answer, per trace (a LiveKit session), oldest first. */
  private readonly open = new Map<string, OpenExchange[]>();
  private openCount = 0;
  private latestEndMs = -Infinity;
  private lastExpiryMs = -Infinity;

  constructor(options: TurnAssemblerOptions = {}) {
    this.maxPendingSpans = options.maxPendingSpans ?? 20_000;
    this.maxOpenExchanges = options.maxOpenExchanges ?? 1_000;
    this.maxExchangeAgeMs = options.maxExchangeAgeMs ?? 10 * 60_000;
  }

  /** Whether spans named `name` can matter to a turn (a cheap test before building a SpanShape). */
  static wants(name: string): boolean {
    return (
      LIVEKIT_PARTS.has(name) ||
      name === LIVEKIT_SPAN.USER_TURN ||
      name === LIVEKIT_SPAN.AGENT_TURN ||
      name === LIVEKIT_SPAN.SESSION ||
      name === PIPECAT_SPAN.TURN ||
      pipecatServiceOf(name) !== undefined
    );
  }

  /** Takes one ended span; returns the turns it completed (most often none). */
  add(span: SpanShape): DerivedTurn[] {
    if (span.endMs > this.latestEndMs) this.latestEndMs = span.endMs;
    const turns: DerivedTurn[] = [];
    switch (span.name) {
      case LIVEKIT_SPAN.USER_TURN: {
        const userSpans = this.takeDescendants(span.spanId);
        const endOfTurn = numberAttribute(span, LIVEKIT_ATTR.END_OF_TURN_DELAY);
        // Only a committed user turn with speech in it is one side of a voice exchange: LiveKit sets
        // its delays when it commits it (it ends one it never committed, the session closing,
        // without them), and a turn with neither `user_speaking` nor a wait for the end of speech
        // was no speech (a text message: both delays 0).
        if (endOfTurn !== undefined && (endOfTurn > 0 || userSpans.some((s) => s.name === LIVEKIT_SPAN.USER_SPEAKING)))
          this.openExchange({ userTurn: span, userSpans, agentTurns: [] }, turns);
        break;
      }
      case LIVEKIT_SPAN.AGENT_TURN:
        this.addAgentTurn({ turn: span, spans: this.takeDescendants(span.spanId) }, turns);
        break;
      case LIVEKIT_SPAN.SESSION:
        this.closeTrace(span.traceId, Infinity, turns);
        break;
      default:
        if (isPipecatTurn(span)) turns.push(derivePipecatTurn(span, this.takeDescendants(span.spanId)));
        else if (LIVEKIT_PARTS.has(span.name) || pipecatServiceOf(span.name) !== undefined) this.keep(span);
    }
    this.expire(turns);
    return turns;
  }

  /** Gives every exchange still open as it is (the session or the receiver is ending). */
  flush(): DerivedTurn[] {
    const turns: DerivedTurn[] = [];
    for (const traceId of [...this.open.keys()]) this.closeTrace(traceId, Infinity, turns);
    this.pending.clear();
    this.pendingCount = 0;
    return turns;
  }

  /**
   * An agent turn joins the latest exchange of its session that began before it. (The previous
   * exchange may still be open when the next user turn ends first: a barge-in ends the user's new
   * turn and the interrupted answer in either order.) The answer that spoke closes its exchange, and
   * any older one still unanswered: those will get no answer now.
   */
  private addAgentTurn(agentTurn: LiveKitAgentTurn, turns: DerivedTurn[]): void {
    const exchanges = this.open.get(agentTurn.turn.traceId);
    if (exchanges === undefined) return;
    let i = exchanges.length - 1;
    while (i >= 0 && exchanges[i].userTurn.startMs > agentTurn.turn.startMs) i--;
    if (i < 0) return; // before any user turn: the agent spoke first (a greeting)
    const exchange = exchanges[i];
    exchange.agentTurns.push(agentTurn);
    if (!liveKitAgentTurnSpoke(agentTurn)) return;
    this.closeTrace(agentTurn.turn.traceId, i, turns);
  }

  private openExchange(exchange: OpenExchange, turns: DerivedTurn[]): void {
    const traceId = exchange.userTurn.traceId;
    let exchanges = this.open.get(traceId);
    if (exchanges === undefined) this.open.set(traceId, (exchanges = []));
    exchanges.push(exchange);
    this.openCount++;
    if (this.openCount > this.maxOpenExchanges) {
      const [oldestTrace, oldest] = this.open.entries().next().value!;
      this.closeTrace(oldestTrace, oldest.length - 1, turns);
    }
  }

  /** Derives the exchanges of a trace up to index `last` (all with Infinity), oldest first. */
  private closeTrace(traceId: string, last: number, turns: DerivedTurn[]): void {
    const exchanges = this.open.get(traceId);
    if (exchanges === undefined) return;
    const closing = exchanges.splice(0, Math.min(last + 1, exchanges.length));
    this.openCount -= closing.length;
    if (exchanges.length === 0) this.open.delete(traceId);
    for (const exchange of closing) turns.push(deriveLiveKitTurn(sorted(exchange)));
  }

  private expire(turns: DerivedTurn[]): void {
    // A look at every session's exchanges at most once a second of the spans' clock.
    if (this.latestEndMs - this.lastExpiryMs < 1000) return;
    this.lastExpiryMs = this.latestEndMs;
    for (const [traceId, exchanges] of this.open) {
      let last = -1;
      while (
        last + 1 < exchanges.length &&
        this.latestEndMs - exchanges[last + 1].userTurn.startMs > this.maxExchangeAgeMs
      )
        last++;
      if (last >= 0) this.closeTrace(traceId, last, turns);
    }
  }

  private keep(span: SpanShape): void {
    if (span.parentSpanId === undefined) return;
    let siblings = this.pending.get(span.parentSpanId);
    if (siblings === undefined) this.pending.set(span.parentSpanId, (siblings = []));
    siblings.push(span);
    this.pendingCount++;
    while (this.pendingCount > this.maxPendingSpans) {
      const [oldestParent, oldest] = this.pending.entries().next().value!;
      this.pending.delete(oldestParent);
      this.pendingCount -= oldest.length;
    }
  }

  /** The kept spans under `spanId`, at any depth, taken out of the pending set. */
  private takeDescendants(spanId: string): SpanShape[] {
    const found: SpanShape[] = [];
    const stack = [spanId];
    while (stack.length > 0) {
      const parent = stack.pop()!;
      const children = this.pending.get(parent);
      if (children === undefined) continue;
      this.pending.delete(parent);
      this.pendingCount -= children.length;
      for (const child of children) {
        found.push(child);
        stack.push(child.spanId);
      }
    }
    return found;
  }
}

function sorted(exchange: OpenExchange): LiveKitExchange {
  return { ...exchange, agentTurns: [...exchange.agentTurns].sort((a, b) => a.turn.startMs - b.turn.startMs) };
}
