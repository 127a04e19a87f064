import {
  ATTR_TURN_STAGE_PREFIX,
  MARK_END_OF_UTTERANCE,
  MARK_FINAL_TRANSCRIPT,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_AUDIO_PLAYED,
  MARK_FIRST_TOKEN,
  MARK_USER_SPEECH_END,
  TURN_STAGE_AGENT,
  TURN_STAGE_ENDPOINTING,
  TURN_STAGE_PLAYOUT,
  TURN_STAGE_TRANSCRIPTION,
  TURN_STAGE_TTS,
  TURN_STAGE_UNEXPLAINED,
} from './names';

/** One stage of a turn's breakdown, as stored and shown. */
export interface BreakdownStage {
  /** `endpointing`, `transcription`, `agent`, `tts`, `playout`, `unexplained`. */
  readonly stage: string;
  /** The component that mostly owns the stage's time. */
  readonly component: string;
  /** Turn span attribute holding the stage's duration, seconds: `transcriber.turn.<stage>.duration`. */
  readonly attribute: string;
}

/** One measured stage of a turn: from one mark to the next. */
export interface TurnStage extends BreakdownStage {
  readonly from: string;
  readonly to: string;
}

const attributeOf = (name: string) => `${ATTR_TURN_STAGE_PREFIX}${name}.duration`;

function stage(name: string, component: string, from: string, to: string): TurnStage {
  return Object.freeze({ stage: name, component, from, to, attribute: attributeOf(name) });
}

/**
 * The measured stages of a turn in order. Consecutive stages share a mark, so when every mark is
 * there they add up exactly to the voice-to-voice latency (user speech end → first audio played).
 */
export const TURN_STAGES: readonly TurnStage[] = Object.freeze([
  stage(TURN_STAGE_ENDPOINTING, 'vad', MARK_USER_SPEECH_END, MARK_END_OF_UTTERANCE),
  stage(TURN_STAGE_TRANSCRIPTION, 'stt', MARK_END_OF_UTTERANCE, MARK_FINAL_TRANSCRIPT),
  stage(TURN_STAGE_AGENT, 'agent', MARK_FINAL_TRANSCRIPT, MARK_FIRST_TOKEN),
  stage(TURN_STAGE_TTS, 'tts', MARK_FIRST_TOKEN, MARK_FIRST_AUDIO_BYTE),
  stage(TURN_STAGE_PLAYOUT, 'audio_output', MARK_FIRST_AUDIO_BYTE, MARK_FIRST_AUDIO_PLAYED),
]);

/** The stage for the part of voice-to-voice no measured stage covers (see TURN_STAGE_UNEXPLAINED). */
export const TURN_UNEXPLAINED_STAGE: BreakdownStage = Object.freeze({
  stage: TURN_STAGE_UNEXPLAINED,
  component: 'pipeline',
  attribute: attributeOf(TURN_STAGE_UNEXPLAINED),
});

/** Every stage of a turn's breakdown, in order: the measured ones, then `unexplained`. They add up to voice-to-voice. */
export const TURN_BREAKDOWN_STAGES: readonly BreakdownStage[] = Object.freeze([...TURN_STAGES, TURN_UNEXPLAINED_STAGE]);

/** The marks bounding the stages, in order: the first starts voice-to-voice, the last ends it. */
export const TURN_BOUNDARY_MARKS: readonly string[] = Object.freeze([
  TURN_STAGES[0].from,
  ...TURN_STAGES.map((s) => s.to),
]);
