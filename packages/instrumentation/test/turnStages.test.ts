import {
  ATTR_TURN_STAGE_PREFIX,
  COMPONENT_TYPES,
  MARK_FIRST_AUDIO_PLAYED,
  MARK_USER_SPEECH_END,
  TURN_BOUNDARY_MARKS,
  TURN_STAGES,
} from '@transcriber/instrumentation';

describe('TURN_STAGES', () => {
  it('chains the stages mark to mark from user speech end to first audio played, so they add up', () => {
    expect(TURN_STAGES[0].from).toBe(MARK_USER_SPEECH_END);
    expect(TURN_STAGES[TURN_STAGES.length - 1].to).toBe(MARK_FIRST_AUDIO_PLAYED);
    for (let i = 1; i < TURN_STAGES.length; i++) expect(TURN_STAGES[i].from).toBe(TURN_STAGES[i - 1].to);
    expect(TURN_BOUNDARY_MARKS).toEqual([TURN_STAGES[0].from, ...TURN_STAGES.map((s) => s.to)]);
    expect(new Set(TURN_BOUNDARY_MARKS).size).toBe(TURN_BOUNDARY_MARKS.length);
  });

  it('names each stage attribute transcriber.turn.<stage>.duration and gives it a pipeline component', () => {
    expect(TURN_STAGES.map((s) => s.stage)).toEqual(['endpointing', 'transcription', 'agent', 'tts', 'playout']);
    for (const stage of TURN_STAGES) {
      expect(stage.attribute).toBe(`${ATTR_TURN_STAGE_PREFIX}${stage.stage}.duration`);
      expect(COMPONENT_TYPES).toContain(stage.component);
    }
    expect(Object.isFrozen(TURN_STAGES)).toBe(true);
  });
});
