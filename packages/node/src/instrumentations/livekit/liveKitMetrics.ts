import {
  METRIC_END_OF_UTTERANCE_DELAY,
  METRIC_GEN_AI_TIME_TO_FIRST_CHUNK,
  METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
  METRIC_ON_USER_TURN_COMPLETED_DURATION,
  METRIC_STT_REAL_TIME_FACTOR,
  METRIC_TRANSCRIPTION_DELAY,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
  METRIC_VAD_INFERENCE_DURATION,
  operationAttributes,
} from '@transcriber/instrumentation';
import type { VoiceFigure } from '@transcriber/instrumentation/frameworks';
import { frameworkRecording } from '../frameworks/frameworkRecording';

/**
 * One LiveKit `metrics_collected` figure set, as `@livekit/agents` 1.9 emits them
 * (agents/src/metrics/base.ts; milliseconds). Only the fields used are listed.
 */
export interface LiveKitMetrics {
  type?: unknown;
  requestId?: unknown;
  streamed?: unknown;
  label?: unknown;
  ttftMs?: unknown;
  tokensPerSecond?: unknown;
  ttfbMs?: unknown;
  durationMs?: unknown;
  audioDurationMs?: unknown;
  inferenceCount?: unknown;
  inferenceDurationTotalMs?: unknown;
  endOfUtteranceDelayMs?: unknown;
  transcriptionDelayMs?: unknown;
  onUserTurnCompletedDelayMs?: unknown;
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Records the figures of one `metrics_collected` event in our histograms, as it arrives (each when
 * its component's work ends, so live, turn by turn):
 * - `llm_metrics`: time to first token → `gen_ai.client.operation.time_to_first_chunk`, tokens per
 *   second → `transcriber.llm.output_tokens_per_second` (llm / llm_node);
 * - `tts_metrics`: time to first byte → `transcriber.tts.time_to_first_byte` (tts / tts_node);
 * - `stt_metrics`: processing ÷ audio duration → `transcriber.stt.real_time_factor` (stt / stt_node;
 *   a streaming STT reports no processing time, 0, and gives none);
 * - `vad_metrics`: inference time ÷ inferences → `transcriber.vad.inference.duration` (vad / inference);
 * - `eou_metrics`: end-of-utterance and transcription delays (both from the user's end of speech)
 *   → `transcriber.turn.end_of_utterance_delay` and `.transcription_delay`, and the agent's
 *   `on_user_turn_completed` → `transcriber.agent.on_user_turn_completed.duration`.
 * Figures LiveKit reports as unknown (−1, or 0 where 0 cannot be a measurement) are left out.
 * Token and character counts are recorded per turn by the derived turn, from the spans.
 */
export function recordLiveKitMetrics(metrics: LiveKitMetrics): void {
  if (repeated(metrics)) return;
  switch (metrics.type) {
    case 'llm_metrics': {
      const ttft = num(metrics.ttftMs);
      if (ttft !== undefined && ttft >= 0) record(METRIC_GEN_AI_TIME_TO_FIRST_CHUNK, ttft / 1000, 'llm', 'llm_node');
      const perSecond = num(metrics.tokensPerSecond);
      if (perSecond !== undefined && perSecond > 0)
        record(METRIC_LLM_OUTPUT_TOKENS_PER_SECOND, perSecond, 'llm', 'llm_node');
      break;
    }
    case 'tts_metrics': {
      const ttfb = num(metrics.ttfbMs);
      if (ttfb !== undefined && ttfb >= 0) record(METRIC_TTS_TIME_TO_FIRST_BYTE, ttfb / 1000, 'tts', 'tts_node');
      break;
    }
    case 'stt_metrics': {
      const processing = num(metrics.durationMs);
      const audio = num(metrics.audioDurationMs);
      if (processing !== undefined && processing > 0 && audio !== undefined && audio > 0)
        record(METRIC_STT_REAL_TIME_FACTOR, processing / audio, 'stt', 'stt_node');
      break;
    }
    case 'vad_metrics': {
      const count = num(metrics.inferenceCount);
      const total = num(metrics.inferenceDurationTotalMs);
      if (count !== undefined && count > 0 && total !== undefined && total >= 0)
        record(METRIC_VAD_INFERENCE_DURATION, total / count / 1000, 'vad', 'inference');
      break;
    }
    case 'eou_metrics': {
      const endOfUtterance = num(metrics.endOfUtteranceDelayMs);
      const transcription = num(metrics.transcriptionDelayMs);
      const callback = num(metrics.onUserTurnCompletedDelayMs);
      if (endOfUtterance !== undefined && endOfUtterance >= 0)
        record(METRIC_END_OF_UTTERANCE_DELAY, endOfUtterance / 1000, 'vad', 'eou_detection');
      if (transcription !== undefined && transcription >= 0)
        record(METRIC_TRANSCRIPTION_DELAY, transcription / 1000, 'stt', 'stt_node');
      if (callback !== undefined && callback >= 0)
        record(METRIC_ON_USER_TURN_COMPLETED_DURATION, callback / 1000, 'agent', 'on_user_turn_completed');
      break;
    }
  }
}

function record(figure: VoiceFigure, value: number, component: string, operation: string): void {
  frameworkRecording().recordVoiceFigure(figure, value, operationAttributes(component, operation));
}

// LiveKit reports each request of a non-streaming TTS behind its stream adapter twice: for the
// request (`streamed: false`) and for the adapter's stream around it (`streamed: true`), with the
// same request id and times a millisecond apart. The last few reports are kept, to count such a
// pair once; without a request id nothing is taken for a repeat.
const RECENT_TTS = 32;
const recentTts: string[] = [];

function repeated(metrics: LiveKitMetrics): boolean {
  if (metrics.type !== 'tts_metrics' || typeof metrics.requestId !== 'string' || metrics.requestId === '') return false;
  const key = `${metrics.requestId}|${metrics.streamed === true}`;
  const pair = `${metrics.requestId}|${metrics.streamed !== true}`;
  if (recentTts.includes(pair)) return true;
  recentTts.push(key);
  if (recentTts.length > RECENT_TTS) recentTts.shift();
  return false;
}
