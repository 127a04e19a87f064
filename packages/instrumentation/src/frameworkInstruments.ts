import { diag, type Attributes, type Histogram } from '@opentelemetry/api';
import { providerBound } from './instruments';
import {
  METRIC_END_OF_UTTERANCE_DELAY,
  METRIC_GEN_AI_TIME_TO_FIRST_CHUNK,
  METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
  METRIC_ON_USER_TURN_COMPLETED_DURATION,
  METRIC_STT_REAL_TIME_FACTOR,
  METRIC_TRANSCRIPTION_DELAY,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
  METRIC_VAD_INFERENCE_DURATION,
  OPERATION_DURATION_BUCKETS_S,
} from './names';
import { getVoiceInstruments } from './voiceInstruments';

const seconds = (description: string) => ({
  description,
  unit: 's',
  advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS_S] },
});

// Only frameworks report these: created at the first one (an app that never meets a framework
// shows no empty instruments in a Prometheus scrape).
const getFrameworkInstruments: () => ReadonlyMap<string, Histogram> = providerBound(
  (meter) =>
    new Map([
      [
        METRIC_VAD_INFERENCE_DURATION,
        meter.createHistogram(
          METRIC_VAD_INFERENCE_DURATION,
          seconds('Average time of one VAD inference over a reported batch'),
        ),
      ],
      [
        METRIC_END_OF_UTTERANCE_DELAY,
        meter.createHistogram(
          METRIC_END_OF_UTTERANCE_DELAY,
          seconds('User speech end to end of utterance decided, as the framework measured it'),
        ),
      ],
      [
        METRIC_TRANSCRIPTION_DELAY,
        meter.createHistogram(
          METRIC_TRANSCRIPTION_DELAY,
          seconds('User speech end to final transcript, as the framework measured it'),
        ),
      ],
      [
        METRIC_ON_USER_TURN_COMPLETED_DURATION,
        meter.createHistogram(
          METRIC_ON_USER_TURN_COMPLETED_DURATION,
          seconds("The agent's own code run on the user's completed turn"),
        ),
      ],
    ]),
);

/** The instruments {@link recordVoiceFigure} takes. */
export type VoiceFigure =
  | typeof METRIC_GEN_AI_TIME_TO_FIRST_CHUNK
  | typeof METRIC_LLM_OUTPUT_TOKENS_PER_SECOND
  | typeof METRIC_TTS_TIME_TO_FIRST_BYTE
  | typeof METRIC_STT_REAL_TIME_FACTOR
  | typeof METRIC_VAD_INFERENCE_DURATION
  | typeof METRIC_END_OF_UTTERANCE_DELAY
  | typeof METRIC_TRANSCRIPTION_DELAY
  | typeof METRIC_ON_USER_TURN_COMPLETED_DURATION;

/**
 * Records one figure a framework reported for a component operation (LiveKit's `metrics_collected`
 * events: an LLM's time to first token, a TTS's time to first byte, …) in the histogram our own
 * operations record the same figure in, with the operation's attributes. Never throws.
 */
export function recordVoiceFigure(figure: VoiceFigure, value: number, attributes: Attributes): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) return;
  try {
    (getVoiceInstruments().figures.get(figure) ?? getFrameworkInstruments().get(figure))?.record(value, attributes);
  } catch (err) {
    diag.error('transcriber: recording a framework figure failed', err);
  }
}
