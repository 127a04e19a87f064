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
} from './names';

/** One stage of a turn: from one mark to the next. */
export interface TurnStage {
  /** `endpointing`, `transcription`, `agent`, `tts`, `playout`. */
  readonly stage: string;
  /** The component that mostly owns the stage's time. */
  readonly component: string;
  readonly from: string;
  readonly to: string;
  /** Turn span attribute holding the stage's duration, seconds: `transcriber.turn.<stage>.duration`. */
  readonly attribute: string;
}

function stage(name: string, component: string, from: string, to: string): TurnStage {
  return Object.freeze({ stage: name, component, from, to, attribute: `${ATTR_TURN_STAGE_PREFIX}${name}.duration` });
}

/**
 * The stages of a turn in order. Consecutive stages share a mark, so when every mark is there the
 * stages add up exactly to the voice-to-voice latency (user speech end → first audio played).
 */
export const TURN_STAGES: readonly TurnStage[] = Object.freeze([
  stage(TURN_STAGE_ENDPOINTING, 'vad', MARK_USER_SPEECH_END, MARK_END_OF_UTTERANCE),
  stage(TURN_STAGE_TRANSCRIPTION, 'stt', MARK_END_OF_UTTERANCE, MARK_FINAL_TRANSCRIPT),
  stage(TURN_STAGE_AGENT, 'agent', MARK_FINAL_TRANSCRIPT, MARK_FIRST_TOKEN),
  stage(TURN_STAGE_TTS, 'tts', MARK_FIRST_TOKEN, MARK_FIRST_AUDIO_BYTE),
  stage(TURN_STAGE_PLAYOUT, 'audio_output', MARK_FIRST_AUDIO_BYTE, MARK_FIRST_AUDIO_PLAYED),
]);

/** The marks bounding the stages, in order: the first starts voice-to-voice, the last ends it. */
export const TURN_BOUNDARY_MARKS: readonly string[] = Object.freeze([
  TURN_STAGES[0].from,
  ...TURN_STAGES.map((s) => s.to),
]);
