import type { Attributes, Context, Span } from '@opentelemetry/api';
import { ComponentType } from './componentType';
import {
  ATTR_COMPONENT,
  ATTR_GEN_AI_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_STT_AUDIO_DURATION,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_TOKEN,
  METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
  METRIC_STT_REAL_TIME_FACTOR,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
} from './names';
import { turnIn } from './turnContext';
import { getVoiceInstruments } from './voiceInstruments';

/**
 * The figures an operation's marks and usage give when it ends, set as attributes of its span,
 * recorded in their histograms (with the operation's component/operation attributes) and passed
 * to the turn the operation ran in:
 * - `first_token` on an `llm` operation → time to first chunk (GenAI semconv), and with output
 *   tokens, tokens per second from the first token to the end (on other components, e.g. the agent
 *   streaming its answer, the mark is only a point of the turn);
 * - `first_audio_byte` → TTS time to first byte;
 * - STT audio duration → real-time factor (operation time ÷ audio time);
 * - every usage sum → a span attribute (the turn records the usage histograms, per turn).
 * Times are performance.now() milliseconds.
 */
export function recordOperationFigures(
  span: Span,
  attributes: Attributes,
  startMs: number,
  endMs: number,
  marks: ReadonlyMap<string, number> | undefined,
  usage: ReadonlyMap<string, number> | undefined,
  ctx: Context,
): void {
  const instruments = getVoiceInstruments();
  const turn = turnIn(ctx);
  if (usage !== undefined) {
    for (const [name, amount] of usage) span.setAttribute(name, amount);
  }
  const firstToken = attributes[ATTR_COMPONENT] === ComponentType.LLM ? marks?.get(MARK_FIRST_TOKEN) : undefined;
  if (firstToken !== undefined) {
    const timeToFirstChunk = (firstToken - startMs) / 1000;
    span.setAttribute(ATTR_GEN_AI_TIME_TO_FIRST_CHUNK, timeToFirstChunk);
    instruments.timeToFirstChunk.record(timeToFirstChunk, attributes);
    turn?.noteFirst(ATTR_GEN_AI_TIME_TO_FIRST_CHUNK, timeToFirstChunk);
    const outputTokens = usage?.get(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
    const generating = (endMs - firstToken) / 1000;
    if (outputTokens !== undefined && outputTokens > 0 && generating > 0) {
      const perSecond = outputTokens / generating;
      span.setAttribute(METRIC_LLM_OUTPUT_TOKENS_PER_SECOND, perSecond);
      instruments.outputTokensPerSecond.record(perSecond, attributes);
      turn?.noteRate(METRIC_LLM_OUTPUT_TOKENS_PER_SECOND, outputTokens, generating);
    }
  }
  const firstByte = marks?.get(MARK_FIRST_AUDIO_BYTE);
  if (firstByte !== undefined) {
    const timeToFirstByte = (firstByte - startMs) / 1000;
    span.setAttribute(METRIC_TTS_TIME_TO_FIRST_BYTE, timeToFirstByte);
    instruments.timeToFirstByte.record(timeToFirstByte, attributes);
    turn?.noteFirst(METRIC_TTS_TIME_TO_FIRST_BYTE, timeToFirstByte);
  }
  const audioSeconds = usage?.get(ATTR_STT_AUDIO_DURATION);
  if (audioSeconds !== undefined && audioSeconds > 0) {
    const processing = (endMs - startMs) / 1000;
    const realTimeFactor = processing / audioSeconds;
    span.setAttribute(METRIC_STT_REAL_TIME_FACTOR, realTimeFactor);
    instruments.realTimeFactor.record(realTimeFactor, attributes);
    turn?.noteRate(METRIC_STT_REAL_TIME_FACTOR, processing, audioSeconds);
  }
}
