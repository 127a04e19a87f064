import {
  ATTR_GEN_AI_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_STT_AUDIO_DURATION,
  ATTR_TTS_CHARACTERS,
  MARK_FINAL_TRANSCRIPT,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_AUDIO_PLAYED,
  MARK_FIRST_TOKEN,
  MARK_USER_SPEECH_END,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
  TURN_SOURCE_PIPECAT,
} from '../names';
import { knownMarks, type DerivedTurn } from './derivedTurn';
import { numberAttribute, type SpanShape } from './spanShape';
import { turnBreakdown, type StageInterval } from './turnBreakdown';
import { breakdownInSeconds } from './turnFigures';

/** Pipecat's span names and attributes (pipecat/utils/tracing: turn_trace_observer, service_decorators). */
export const PIPECAT_SPAN = Object.freeze({
  CONVERSATION: 'conversation',
  TURN: 'turn',
  STT: 'stt',
  LLM: 'llm',
  TTS: 'tts',
});

export const PIPECAT_ATTR = Object.freeze({
  /** On `turn`: its number in the conversation (what tells Pipecat's `turn` from any other). */
  TURN_NUMBER: 'turn.number',
  TURN_INTERRUPTED: 'turn.was_interrupted',
  /** Set with `turn.was_interrupted` on the turn the conversation's end cut off: not a barge-in. */
  TURN_ENDED_BY_CONVERSATION_END: 'turn.ended_by_conversation_end',
  /** On `turn`: user stopped speaking (VAD, less its stop_secs) → bot started speaking, seconds. */
  USER_BOT_LATENCY: 'turn.user_bot_latency_seconds',
  /**
   * On service spans, seconds: `stt` from the user's speech end to the final transcript, `llm` from
   * the request to the first token, `tts` from the request to the first audio.
   */
  TTFB: 'metrics.ttfb',
  CHARACTER_COUNT: 'metrics.character_count',
  AUDIO_SECONDS: 'metrics.audio_seconds',
});

/** The kind of a Pipecat service span: `stt`, `llm`, `tts`, also as older releases named them (`stt_deepgramsttservice`). */
export function pipecatServiceOf(name: string): 'stt' | 'llm' | 'tts' | undefined {
  const kind = name.length === 3 ? name : name.slice(0, 4);
  switch (kind) {
    case 'stt':
    case 'stt_':
      return 'stt';
    case 'llm':
    case 'llm_':
      return 'llm';
    case 'tts':
    case 'tts_':
      return 'tts';
    default:
      return undefined;
  }
}

/** Whether a span is Pipecat's turn span (a `turn` with its turn number). */
export function isPipecatTurn(span: SpanShape): boolean {
  return span.name === PIPECAT_SPAN.TURN && span.attributes[PIPECAT_ATTR.TURN_NUMBER] !== undefined;
}

/**
 * The turn of one Pipecat `turn` span and its service spans. The points and stage intervals, in
 * epoch ms:
 * - user speech end: the last `stt` span's end (its finalized transcript) less its `metrics.ttfb`
 *   (Pipecat measures STT TTFB from the VAD's speech end, backdated by `stop_secs`);
 * - transcription: speech end → that final transcript;
 * - agent: the first `llm` starts → first token of the `llm` that answered (the last to start before
 *   the first `tts`; earlier ones are tool rounds) = its start + `metrics.ttfb`;
 * - tts: the first `tts` starts → + its `metrics.ttfb`;
 * - endpointing and playout: Pipecat's spans carry no figure for them (turn analyzer wait, audio
 *   transport), so that time is part of `unexplained`.
 * Voice-to-voice is Pipecat's own `turn.user_bot_latency_seconds` (no span marks the bot's first
 * audio played), measured from the same speech end.
 */
export function derivePipecatTurn(turn: SpanShape, services: readonly SpanShape[]): DerivedTurn {
  const stts = services.filter((s) => pipecatServiceOf(s.name) === 'stt');
  const llms = services.filter((s) => pipecatServiceOf(s.name) === 'llm').sort((a, b) => a.startMs - b.startMs);
  const ttss = services.filter((s) => pipecatServiceOf(s.name) === 'tts').sort((a, b) => a.startMs - b.startMs);

  let lastStt: SpanShape | undefined;
  for (const stt of stts) {
    if (numberAttribute(stt, PIPECAT_ATTR.TTFB) !== undefined && (lastStt === undefined || stt.endMs > lastStt.endMs))
      lastStt = stt;
  }
  const sttTtfb = lastStt === undefined ? undefined : numberAttribute(lastStt, PIPECAT_ATTR.TTFB)! * 1000;
  const speechEnd = lastStt === undefined ? undefined : lastStt.endMs - sttTtfb!;
  const latency = numberAttribute(turn, PIPECAT_ATTR.USER_BOT_LATENCY);
  const voiceToVoice = latency === undefined ? undefined : latency * 1000;

  const firstTts = ttss.find((s) => numberAttribute(s, PIPECAT_ATTR.TTFB) !== undefined);
  const ttsTtfb = firstTts === undefined ? undefined : numberAttribute(firstTts, PIPECAT_ATTR.TTFB)!;
  const answering = lastBefore(
    llms.filter((s) => numberAttribute(s, PIPECAT_ATTR.TTFB) !== undefined),
    ttss[0]?.startMs ?? Infinity,
  );
  const llmTtfb = answering === undefined ? undefined : numberAttribute(answering, PIPECAT_ATTR.TTFB)!;

  const intervals: (StageInterval | undefined)[] = [
    undefined,
    speechEnd === undefined ? undefined : { from: speechEnd, to: lastStt!.endMs },
    answering === undefined ? undefined : { from: llms[0].startMs, to: answering.startMs + llmTtfb! * 1000 },
    firstTts === undefined ? undefined : { from: firstTts.startMs, to: firstTts.startMs + ttsTtfb! * 1000 },
    undefined,
  ];
  const played = speechEnd === undefined || voiceToVoice === undefined ? undefined : speechEnd + voiceToVoice;

  const values = new Map<string, number>();
  if (llmTtfb !== undefined) values.set(ATTR_GEN_AI_TIME_TO_FIRST_CHUNK, llmTtfb);
  if (ttsTtfb !== undefined) values.set(METRIC_TTS_TIME_TO_FIRST_BYTE, ttsTtfb);

  const usage = new Map<string, number>();
  const add = (name: string, spans: readonly SpanShape[], attribute: string) => {
    for (const span of spans) {
      const amount = numberAttribute(span, attribute);
      if (amount !== undefined) usage.set(name, (usage.get(name) ?? 0) + amount);
    }
  };
  add(ATTR_GEN_AI_USAGE_INPUT_TOKENS, llms, ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  add(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, llms, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
  add(ATTR_TTS_CHARACTERS, ttss, PIPECAT_ATTR.CHARACTER_COUNT);
  add(ATTR_STT_AUDIO_DURATION, stts, PIPECAT_ATTR.AUDIO_SECONDS);

  const interrupted =
    turn.attributes[PIPECAT_ATTR.TURN_INTERRUPTED] === true &&
    turn.attributes[PIPECAT_ATTR.TURN_ENDED_BY_CONVERSATION_END] !== true;
  return {
    source: TURN_SOURCE_PIPECAT,
    traceId: turn.traceId,
    parentSpanId: turn.parentSpanId,
    anchor: turn,
    startMs: turn.startMs,
    endMs: turn.endMs,
    figures: {
      ...breakdownInSeconds(turnBreakdown(speechEnd, played, intervals, voiceToVoice)),
      interruptions: interrupted ? 1 : 0,
      usage,
      values,
    },
    marks: knownMarks([
      [MARK_USER_SPEECH_END, speechEnd],
      [MARK_FINAL_TRANSCRIPT, lastStt?.endMs],
      [MARK_FIRST_TOKEN, intervals[2]?.to],
      [MARK_FIRST_AUDIO_BYTE, intervals[3]?.to],
      [MARK_FIRST_AUDIO_PLAYED, played],
    ]),
    sourceVoiceToVoice: latency,
  };
}

function lastBefore(sorted: readonly SpanShape[], limitMs: number): SpanShape | undefined {
  let found: SpanShape | undefined;
  for (const span of sorted) if (span.startMs <= limitMs) found = span;
  return found ?? sorted[sorted.length - 1];
}
