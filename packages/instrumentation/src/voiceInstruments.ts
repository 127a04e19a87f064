import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import type { TurnFigures } from './derive/turnFigures';
import { providerBound } from './instruments';
import {
  ATTR_STT_AUDIO_DURATION,
  ATTR_TTS_AUDIO_DURATION,
  ATTR_TTS_CHARACTERS,
  METRIC_GEN_AI_TIME_TO_FIRST_CHUNK,
  METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
  METRIC_STT_REAL_TIME_FACTOR,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
  METRIC_TURN_INTERRUPTIONS,
  METRIC_TURN_STAGE_DURATION,
  METRIC_TURN_VOICE_TO_VOICE,
  OPERATION_DURATION_BUCKETS_S,
  ATTR_TURN_STAGE,
} from './names';
import { TURN_BREAKDOWN_STAGES } from './turnStages';

/**
 * The instruments of voice turns and of the figures derived from operations' marks and usage.
 * Separate from the operation instruments so an app that never marks anything never creates them
 * (an instrument with no points still shows up in a Prometheus scrape).
 */
export interface VoiceInstruments {
  readonly voiceToVoice: Histogram;
  readonly stageDuration: Histogram;
  readonly interruptions: Counter;
  readonly timeToFirstChunk: Histogram;
  readonly outputTokensPerSecond: Histogram;
  readonly timeToFirstByte: Histogram;
  readonly realTimeFactor: Histogram;
  /** Usage per turn, by usage name (names without one are only span attributes). */
  readonly usage: ReadonlyMap<string, Histogram>;
  /** The four per-operation figures above, by instrument name. */
  readonly figures: ReadonlyMap<string, Histogram>;
}

const REAL_TIME_FACTOR_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5];
const TOKENS_PER_SECOND_BUCKETS = [1, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000];
const CHARACTER_BUCKETS = [10, 25, 50, 100, 200, 400, 800, 1600, 3200];
const AUDIO_SECONDS_BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 120];

const seconds = (description: string) => ({
  description,
  unit: 's',
  advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS_S] },
});

export const getVoiceInstruments: () => VoiceInstruments = providerBound((meter) => {
  const timeToFirstChunk = meter.createHistogram(
    METRIC_GEN_AI_TIME_TO_FIRST_CHUNK,
    seconds('Time from the request to the first chunk of a streamed answer'),
  );
  const outputTokensPerSecond = meter.createHistogram(METRIC_LLM_OUTPUT_TOKENS_PER_SECOND, {
    description: 'Output tokens per second from the first token to the end of the answer',
    unit: '{token}/s',
    advice: { explicitBucketBoundaries: TOKENS_PER_SECOND_BUCKETS },
  });
  const timeToFirstByte = meter.createHistogram(
    METRIC_TTS_TIME_TO_FIRST_BYTE,
    seconds('Time from a text-to-speech request to its first audio byte'),
  );
  const realTimeFactor = meter.createHistogram(METRIC_STT_REAL_TIME_FACTOR, {
    description: 'Speech-to-text processing time divided by the audio duration',
    unit: '1',
    advice: { explicitBucketBoundaries: REAL_TIME_FACTOR_BUCKETS },
  });
  return {
    voiceToVoice: meter.createHistogram(
      METRIC_TURN_VOICE_TO_VOICE,
      seconds('Voice-to-voice latency of a turn: user speech end to first audio played'),
    ),
    stageDuration: meter.createHistogram(
      METRIC_TURN_STAGE_DURATION,
      seconds('Duration of one stage of a turn (endpointing, transcription, agent, tts, playout)'),
    ),
    interruptions: meter.createCounter(METRIC_TURN_INTERRUPTIONS, {
      description: 'Times the user interrupted the agent',
      unit: '{interruption}',
    }),
    timeToFirstChunk,
    outputTokensPerSecond,
    timeToFirstByte,
    realTimeFactor,
    usage: new Map([
      [
        ATTR_STT_AUDIO_DURATION,
        meter.createHistogram(ATTR_STT_AUDIO_DURATION, {
          description: 'Seconds of audio given to speech-to-text in a turn',
          unit: 's',
          advice: { explicitBucketBoundaries: AUDIO_SECONDS_BUCKETS },
        }),
      ],
      [
        ATTR_TTS_CHARACTERS,
        meter.createHistogram(ATTR_TTS_CHARACTERS, {
          description: 'Characters given to text-to-speech in a turn',
          unit: '{character}',
          advice: { explicitBucketBoundaries: CHARACTER_BUCKETS },
        }),
      ],
      [
        ATTR_TTS_AUDIO_DURATION,
        meter.createHistogram(ATTR_TTS_AUDIO_DURATION, {
          description: 'Seconds of audio text-to-speech produced in a turn',
          unit: 's',
          advice: { explicitBucketBoundaries: AUDIO_SECONDS_BUCKETS },
        }),
      ],
    ]),
    figures: new Map([
      [METRIC_GEN_AI_TIME_TO_FIRST_CHUNK, timeToFirstChunk],
      [METRIC_LLM_OUTPUT_TOKENS_PER_SECOND, outputTokensPerSecond],
      [METRIC_TTS_TIME_TO_FIRST_BYTE, timeToFirstByte],
      [METRIC_STT_REAL_TIME_FACTOR, realTimeFactor],
    ]),
  };
});

/**
 * Records a turn's histograms — voice-to-voice, each stage, interruptions, usage per turn — with the
 * turn operation's attributes. One path for every source: a TurnHandle's marks and a turn derived
 * from a framework's spans record the same instruments the same way.
 */
export function recordTurnHistograms(attributes: Attributes, figures: TurnFigures): void {
  const instruments = getVoiceInstruments();
  const perStage = stageAttributesOf(attributes);
  for (const [i, seconds] of figures.stages.entries()) {
    if (seconds !== undefined) instruments.stageDuration.record(seconds, perStage[i]);
  }
  if (figures.voiceToVoice !== undefined) instruments.voiceToVoice.record(figures.voiceToVoice, attributes);
  if (figures.interruptions > 0) instruments.interruptions.add(figures.interruptions, attributes);
  for (const [name, amount] of figures.usage) instruments.usage.get(name)?.record(amount, attributes);
}

// The stage histogram's attributes of each turn operation (in practice one: pipeline/turn), built once.
const stageAttributes = new WeakMap<Attributes, readonly Attributes[]>();

function stageAttributesOf(attributes: Attributes): readonly Attributes[] {
  let perStage = stageAttributes.get(attributes);
  if (perStage === undefined) {
    perStage = TURN_BREAKDOWN_STAGES.map((stage) => Object.freeze({ ...attributes, [ATTR_TURN_STAGE]: stage.stage }));
    stageAttributes.set(attributes, perStage);
  }
  return perStage;
}
