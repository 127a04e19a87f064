import { diag } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_STT_AUDIO_DURATION,
  ATTR_TTS_CHARACTERS,
  ComponentType,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_TOKEN,
  timeOperation,
  type OperationHandle,
} from '@transcriber/instrumentation';
import { uploadDurationSeconds } from './audioDuration';
import { observeStream } from './observeStream';
import { ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, GEN_AI_PROVIDER_OPENAI } from './semconv';
import { timedCreate, type CreateMethod } from './timedCreate';

interface TranscriptionParams {
  model?: unknown;
  file?: unknown;
  stream?: unknown;
}

/**
 * `audio.transcriptions.create` (operation `transcribe`) and `audio.translations.create`
 * (`translate`) → `stt` operations with the seconds of audio when known — from the response
 * (`verbose_json`'s `duration`, or `usage.seconds`), else from the WAV header of the upload — so the
 * real-time factor (processing time ÷ audio time) is derived. Streamed transcriptions mark their
 * first text delta as the first token.
 */
export function timedTranscriptions(original: CreateMethod, operationName: 'transcribe' | 'translate'): CreateMethod {
  return timedCreate<TranscriptionParams>(
    original,
    (params) => {
      const operation = startAudio(ComponentType.STT, operationName, params?.model);
      const state: SttState = { durationReported: false };
      // Read while the request is on its way; used only if it is there by the time the answer is.
      uploadDurationSeconds(params?.file).then(
        (seconds) => (state.headerSeconds = seconds),
        (err: unknown) => diag.debug('transcriber: reading the uploaded audio header failed', err),
      );
      sttStates.set(operation, state);
      return operation;
    },
    (operation, result, params) => {
      if (params?.stream === true) {
        let firstToken = true;
        const watched = observeStream(
          result,
          (event) => {
            const e = event as { type?: string; usage?: TranscriptionUsage };
            if (firstToken && e.type === 'transcript.text.delta') {
              firstToken = false;
              operation.mark(MARK_FIRST_TOKEN);
            }
            if (e.type === 'transcript.text.done') noteTranscription(operation, e);
          },
          (error) => endTranscription(operation, error),
        );
        if (watched) return;
      } else {
        noteTranscription(operation, result as { duration?: unknown; usage?: TranscriptionUsage });
      }
      endTranscription(operation);
    },
  );
}

interface SpeechParams {
  model?: unknown;
  input?: unknown;
}

/**
 * `audio.speech.create` → a `tts` `synthesize` operation with the characters synthesized, ending
 * when the first audio byte arrives (the `first_audio_byte` mark, so time to first byte is
 * derived): that is the latency a voice pipeline feels. The first byte is read from a clone of
 * the response, whose reader is then cancelled; the app's body is untouched and streams as before.
 */
export function timedSpeech(original: CreateMethod): CreateMethod {
  return timedCreate<SpeechParams>(
    original,
    (params) => {
      const operation = startAudio(ComponentType.TTS, 'synthesize', params?.model);
      if (typeof params?.input === 'string') operation.addUsage(ATTR_TTS_CHARACTERS, params.input.length);
      return operation;
    },
    (operation, result) => {
      const response = result as { clone?: () => { body?: ReadableStream<Uint8Array> | null } } | null;
      const body = typeof response?.clone === 'function' ? response.clone().body : undefined;
      if (!body) {
        operation.end();
        return;
      }
      const reader = body.getReader();
      reader.read().then(
        ({ done }) => {
          if (!done) operation.mark(MARK_FIRST_AUDIO_BYTE);
          operation.end();
          reader.cancel().catch(() => undefined);
        },
        (err: unknown) => operation.end(err),
      );
    },
  );
}

interface TranscriptionUsage {
  type?: string;
  seconds?: number;
  input_tokens?: number;
  output_tokens?: number;
}

interface SttState {
  /** Seconds of audio from the upload's WAV header, once read. */
  headerSeconds?: number;
  /** The response gave the audio duration itself. */
  durationReported: boolean;
}
const sttStates = new WeakMap<OperationHandle, SttState>();

function noteTranscription(
  operation: OperationHandle,
  result: { duration?: unknown; usage?: TranscriptionUsage },
): void {
  if (result === null || typeof result !== 'object') return; // `text`, `srt`, `vtt` formats: a plain string
  const seconds =
    typeof result.duration === 'number'
      ? result.duration
      : result.usage?.type === 'duration' && typeof result.usage.seconds === 'number'
        ? result.usage.seconds
        : undefined;
  const state = sttStates.get(operation);
  if (seconds !== undefined && state !== undefined && !state.durationReported) {
    state.durationReported = true;
    operation.addUsage(ATTR_STT_AUDIO_DURATION, seconds);
  }
  if (result.usage?.type === 'tokens') {
    if (typeof result.usage.input_tokens === 'number')
      operation.addUsage(ATTR_GEN_AI_USAGE_INPUT_TOKENS, result.usage.input_tokens);
    if (typeof result.usage.output_tokens === 'number')
      operation.addUsage(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, result.usage.output_tokens);
  }
}

function endTranscription(operation: OperationHandle, error?: unknown): void {
  const state = sttStates.get(operation);
  if (state !== undefined && !state.durationReported && state.headerSeconds !== undefined) {
    operation.addUsage(ATTR_STT_AUDIO_DURATION, state.headerSeconds);
  }
  operation.end(error);
}

function startAudio(component: ComponentType, operationName: string, model: unknown): OperationHandle {
  const operation = timeOperation(component, operationName);
  operation.span.setAttribute(ATTR_GEN_AI_PROVIDER_NAME, GEN_AI_PROVIDER_OPENAI);
  if (typeof model === 'string') operation.span.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, model);
  return operation;
}
