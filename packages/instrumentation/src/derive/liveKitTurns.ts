import {
  ATTR_GEN_AI_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_TTS_AUDIO_DURATION,
  ATTR_TTS_CHARACTERS,
  MARK_END_OF_UTTERANCE,
  MARK_FINAL_TRANSCRIPT,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_AUDIO_PLAYED,
  MARK_FIRST_TOKEN,
  MARK_USER_SPEECH_END,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
  TURN_SOURCE_LIVEKIT,
} from '../names';
import { knownMarks, type DerivedTurn } from './derivedTurn';
import { numberAttribute, type SpanShape } from './spanShape';
import { turnBreakdown, type StageInterval } from './turnBreakdown';
import { breakdownInSeconds } from './turnFigures';

/**
 * LiveKit Agents' span names and attributes (`livekit-agents` tracer; the same in the Node package
 * `@livekit/agents` and the Python `livekit-agents`: telemetry/trace_types).
 */
export const LIVEKIT_SPAN = Object.freeze({
  SESSION: 'agent_session',
  USER_TURN: 'user_turn',
  USER_SPEAKING: 'user_speaking',
  AGENT_TURN: 'agent_turn',
  AGENT_SPEAKING: 'agent_speaking',
  LLM_NODE: 'llm_node',
  LLM_REQUEST: 'llm_request',
  LLM_REQUEST_RUN: 'llm_request_run',
  TTS_NODE: 'tts_node',
  TTS_REQUEST: 'tts_request',
  TTS_REQUEST_RUN: 'tts_request_run',
  FUNCTION_TOOL: 'function_tool',
  EOU_DETECTION: 'eou_detection',
});

export const LIVEKIT_ATTR = Object.freeze({
  /** On `user_turn`: end of speech → end of turn decided (seconds in Python, milliseconds in Node 1.9). */
  END_OF_TURN_DELAY: 'lk.end_of_turn_delay',
  /** On `user_turn`: end of speech → final transcript (seconds in Python, milliseconds in Node 1.9). */
  TRANSCRIPTION_DELAY: 'lk.transcription_delay',
  /** On `llm_node`: its start → first token, seconds. */
  TTFT: 'lk.response.ttft',
  /** On `tts_node`: its start → first audio, seconds. */
  TTFB: 'lk.response.ttfb',
  /** On `agent_turn`: agent started speaking − user stopped speaking, seconds. */
  E2E_LATENCY: 'lk.e2e_latency',
  INTERRUPTED: 'lk.interrupted',
  /** On `tts_request`: false for a request of a non-streaming TTS, true for a stream (LiveKit's adapter is one). */
  TTS_STREAMING: 'lk.tts.streaming',
  /** On `tts_request`: its TTSMetrics as JSON. */
  TTS_METRICS: 'lk.tts_metrics',
});

// LiveKit stamps most of its spans with `Date.now()`: whole milliseconds. Playback that seems to
// start up to that much before the first audio arrived started with it.
const CLOCK_RESOLUTION_MS = 1;

/** One agent turn (`agent_turn`) with the spans recorded under it. */
export interface LiveKitAgentTurn {
  readonly turn: SpanShape;
  readonly spans: readonly SpanShape[];
}

/** One exchange: the user's turn and the agent turns that answered it, in start order. */
export interface LiveKitExchange {
  readonly userTurn: SpanShape;
  /** The spans under the user turn (`user_speaking`, `eou_detection`). */
  readonly userSpans: readonly SpanShape[];
  readonly agentTurns: readonly LiveKitAgentTurn[];
}

/** Whether an agent turn made the agent speak (the turn an exchange waits for). */
export function liveKitAgentTurnSpoke(agentTurn: LiveKitAgentTurn): boolean {
  return (
    agentTurn.spans.some((s) => s.name === LIVEKIT_SPAN.AGENT_SPEAKING) ||
    numberAttribute(agentTurn.turn, LIVEKIT_ATTR.E2E_LATENCY) !== undefined
  );
}

/**
 * The turn of one LiveKit exchange. The points and stage intervals, in epoch ms:
 * - user speech end: the end of the last `user_speaking` span (VAD end of speech, backdated by the
 *   silence it waited for); first audio played: the start of the answering turn's `agent_speaking`
 *   (playback started). Either one missing is taken from the other and `lk.e2e_latency`;
 * - endpointing: speech end → speech end + `lk.end_of_turn_delay`;
 * - transcription: speech end → speech end + `lk.transcription_delay` (the same origin: the two
 *   overlap, and turnBreakdown credits transcription only with what outlasts endpointing);
 * - agent: the first `llm_node` of the exchange starts (tool rounds included) → the answering
 *   turn's `llm_node` start + `lk.response.ttft`;
 * - tts: the answering turn's first TTS request starts → + `lk.response.ttfb`. LiveKit measures
 *   that from when the text was first sent to the provider (the request's start; only a custom
 *   tts_node without one falls back to its first text): the request is the first `tts_request`
 *   under the `tts_node` that is not LiveKit's stream adapter (`lk.tts.streaming` false), else the
 *   first one, else the node itself. The wait for text before it (a sentence to synthesise) is
 *   left unexplained;
 * - playout: that first audio → playback started.
 * `lk.e2e_latency` is kept as the source's own voice-to-voice. Units: LiveKit for Node (1.9) sets
 * the two user-turn delays in milliseconds (`Date.now()` differences, though its trace_types
 * documents seconds), Python in seconds; the span's `sdkLanguage` tells which.
 */
export function deriveLiveKitTurn(exchange: LiveKitExchange): DerivedTurn {
  const { userTurn } = exchange;
  const delayScale = userTurn.sdkLanguage === 'nodejs' ? 1 : 1000;
  const answering = exchange.agentTurns.find(liveKitAgentTurnSpoke);
  const e2e = answering === undefined ? undefined : numberAttribute(answering.turn, LIVEKIT_ATTR.E2E_LATENCY);

  const speaking = lastEnding(exchange.userSpans, LIVEKIT_SPAN.USER_SPEAKING);
  const agentSpeaking = answering?.spans.find((s) => s.name === LIVEKIT_SPAN.AGENT_SPEAKING);
  let speechEnd = speaking?.endMs;
  let played = agentSpeaking?.startMs;
  if (speechEnd === undefined && played !== undefined && e2e !== undefined) speechEnd = played - e2e * 1000;
  if (played === undefined && speechEnd !== undefined && e2e !== undefined) played = speechEnd + e2e * 1000;

  const endOfTurn = scaled(numberAttribute(userTurn, LIVEKIT_ATTR.END_OF_TURN_DELAY), delayScale);
  const transcription = scaled(numberAttribute(userTurn, LIVEKIT_ATTR.TRANSCRIPTION_DELAY), delayScale);

  const answeringLlm =
    answering === undefined ? undefined : firstWith(answering.spans, LIVEKIT_SPAN.LLM_NODE, LIVEKIT_ATTR.TTFT, 'last');
  const ttft = answeringLlm === undefined ? undefined : numberAttribute(answeringLlm, LIVEKIT_ATTR.TTFT)!;
  const firstLlmStart = earliestStart(
    exchange.agentTurns.slice(0, answering === undefined ? undefined : exchange.agentTurns.indexOf(answering) + 1),
    LIVEKIT_SPAN.LLM_NODE,
  );
  const answeringTts =
    answering === undefined ? undefined : firstWith(answering.spans, LIVEKIT_SPAN.TTS_NODE, LIVEKIT_ATTR.TTFB, 'first');
  const ttfb = answeringTts === undefined ? undefined : numberAttribute(answeringTts, LIVEKIT_ATTR.TTFB)!;
  const ttsStart = answeringTts === undefined ? undefined : ttsRequestStart(answeringTts, answering!.spans);
  const firstAudio = ttsStart === undefined ? undefined : ttsStart + ttfb! * 1000;

  const intervals: (StageInterval | undefined)[] = [
    speechEnd === undefined || endOfTurn === undefined ? undefined : { from: speechEnd, to: speechEnd + endOfTurn },
    speechEnd === undefined || transcription === undefined
      ? undefined
      : { from: speechEnd, to: speechEnd + transcription },
    answeringLlm === undefined || firstLlmStart === undefined
      ? undefined
      : { from: firstLlmStart, to: answeringLlm.startMs + ttft! * 1000 },
    ttsStart === undefined ? undefined : { from: ttsStart, to: firstAudio! },
    firstAudio === undefined || played === undefined || firstAudio - played > CLOCK_RESOLUTION_MS
      ? undefined
      : { from: Math.min(firstAudio, played), to: played },
  ];

  const values = new Map<string, number>();
  if (ttft !== undefined) values.set(ATTR_GEN_AI_TIME_TO_FIRST_CHUNK, ttft);
  if (ttfb !== undefined) values.set(METRIC_TTS_TIME_TO_FIRST_BYTE, ttfb);

  let endMs = userTurn.endMs;
  for (const agentTurn of exchange.agentTurns) {
    if (agentTurn.turn.endMs > endMs) endMs = agentTurn.turn.endMs;
    if (agentTurn === answering) break;
  }
  return {
    source: TURN_SOURCE_LIVEKIT,
    traceId: userTurn.traceId,
    parentSpanId: userTurn.parentSpanId,
    anchor: userTurn,
    startMs: Math.min(userTurn.startMs, speaking?.startMs ?? Infinity),
    endMs,
    figures: {
      ...breakdownInSeconds(turnBreakdown(speechEnd, played, intervals)),
      interruptions: answering?.turn.attributes[LIVEKIT_ATTR.INTERRUPTED] === true ? 1 : 0,
      usage: usageOf(exchange, answering),
      values,
    },
    marks: knownMarks([
      [MARK_USER_SPEECH_END, speechEnd],
      [MARK_END_OF_UTTERANCE, intervals[0]?.to],
      [MARK_FINAL_TRANSCRIPT, intervals[1]?.to],
      [MARK_FIRST_TOKEN, intervals[2]?.to],
      [MARK_FIRST_AUDIO_BYTE, firstAudio],
      [MARK_FIRST_AUDIO_PLAYED, played],
    ]),
    sourceVoiceToVoice: e2e,
  };
}

/** Token usage of the exchange's LLM requests, and characters and audio of the answer's TTS requests. */
function usageOf(exchange: LiveKitExchange, answering: LiveKitAgentTurn | undefined): Map<string, number> {
  const usage = new Map<string, number>();
  const add = (name: string, amount: number | undefined) => {
    if (amount !== undefined && Number.isFinite(amount)) usage.set(name, (usage.get(name) ?? 0) + amount);
  };
  for (const agentTurn of exchange.agentTurns) {
    for (const span of agentTurn.spans) {
      if (span.name !== LIVEKIT_SPAN.LLM_REQUEST) continue;
      add(ATTR_GEN_AI_USAGE_INPUT_TOKENS, numberAttribute(span, ATTR_GEN_AI_USAGE_INPUT_TOKENS));
      add(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, numberAttribute(span, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS));
    }
    if (agentTurn === answering) break;
  }
  if (answering !== undefined) {
    const ttsNodes = new Set(answering.spans.filter((s) => s.name === LIVEKIT_SPAN.TTS_NODE).map((s) => s.spanId));
    for (const span of answering.spans) {
      // Only a node's own requests: a non-streaming TTS behind LiveKit's stream adapter records a
      // second tts_request inside the first, with the same figures.
      if (span.name !== LIVEKIT_SPAN.TTS_REQUEST || !ttsNodes.has(span.parentSpanId ?? '')) continue;
      const metrics = ttsMetricsOf(span);
      add(ATTR_TTS_CHARACTERS, metrics?.characters);
      add(ATTR_TTS_AUDIO_DURATION, metrics?.audioSeconds);
    }
  }
  return usage;
}

/** `lk.tts_metrics`: Node's camelCase TTSMetrics (`audioDurationMs`), or Python's snake_case (`audio_duration`, s). */
function ttsMetricsOf(span: SpanShape): { characters?: number; audioSeconds?: number } | undefined {
  const json = span.attributes[LIVEKIT_ATTR.TTS_METRICS];
  if (typeof json !== 'string') return undefined;
  try {
    const m = JSON.parse(json) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const ms = num(m.audioDurationMs);
    return {
      characters: num(m.charactersCount) ?? num(m.characters_count),
      audioSeconds: ms !== undefined ? ms / 1000 : num(m.audio_duration),
    };
  } catch {
    return undefined;
  }
}

/** When the first TTS request of `node` started (see deriveLiveKitTurn), else the node's own start. */
function ttsRequestStart(node: SpanShape, spans: readonly SpanShape[]): number {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const under = (span: SpanShape) => {
    for (let parent = span.parentSpanId; parent !== undefined; parent = byId.get(parent)?.parentSpanId) {
      if (parent === node.spanId) return true;
    }
    return false;
  };
  let first: SpanShape | undefined;
  let firstDirect: SpanShape | undefined;
  for (const span of spans) {
    if (span.name !== LIVEKIT_SPAN.TTS_REQUEST || !under(span)) continue;
    if (first === undefined || span.startMs < first.startMs) first = span;
    const direct = span.attributes[LIVEKIT_ATTR.TTS_STREAMING] === false;
    if (direct && (firstDirect === undefined || span.startMs < firstDirect.startMs)) firstDirect = span;
  }
  return (firstDirect ?? first ?? node).startMs;
}

const scaled = (value: number | undefined, scale: number) => (value === undefined ? undefined : value * scale);

function lastEnding(spans: readonly SpanShape[], name: string): SpanShape | undefined {
  let last: SpanShape | undefined;
  for (const span of spans) if (span.name === name && (last === undefined || span.endMs > last.endMs)) last = span;
  return last;
}

/** The first or last (by start) span named `name` that has the numeric attribute `attribute`. */
function firstWith(
  spans: readonly SpanShape[],
  name: string,
  attribute: string,
  which: 'first' | 'last',
): SpanShape | undefined {
  let found: SpanShape | undefined;
  for (const span of spans) {
    if (span.name !== name || numberAttribute(span, attribute) === undefined) continue;
    if (found === undefined || (which === 'first' ? span.startMs < found.startMs : span.startMs > found.startMs))
      found = span;
  }
  return found;
}

function earliestStart(agentTurns: readonly LiveKitAgentTurn[], name: string): number | undefined {
  let earliest: number | undefined;
  for (const agentTurn of agentTurns) {
    for (const span of agentTurn.spans) {
      if (span.name === name && (earliest === undefined || span.startMs < earliest)) earliest = span.startMs;
    }
  }
  return earliest;
}
