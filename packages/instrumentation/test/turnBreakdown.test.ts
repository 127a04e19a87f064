import { turnBreakdown } from '@transcriber/instrumentation/frameworkSpans';

const sum = (stages: readonly (number | undefined)[]) => stages.reduce<number>((a, b) => a + (b ?? 0), 0);

describe('turnBreakdown', () => {
  it('gives contiguous stages their own durations and leaves nothing unexplained', () => {
    const { voiceToVoice, stages } = turnBreakdown(0, 1000, [
      { from: 0, to: 400 },
      { from: 400, to: 500 },
      { from: 500, to: 800 },
      { from: 800, to: 900 },
      { from: 900, to: 1000 },
    ]);
    expect(voiceToVoice).toBe(1000);
    expect(stages).toEqual([400, 100, 300, 100, 100, 0]);
  });

  it('counts overlapping time once, by the earlier stage (two delays measured from the end of speech)', () => {
    // Endpointing ends at 400, the final transcript came at 300 (inside it) or at 450 (after it).
    expect(
      turnBreakdown(0, 800, [
        { from: 0, to: 400 },
        { from: 0, to: 300 },
      ]).stages,
    ).toEqual([400, 0, 400]);
    expect(
      turnBreakdown(0, 800, [
        { from: 0, to: 400 },
        { from: 0, to: 450 },
      ]).stages.slice(0, 2),
    ).toEqual([400, 50]);
  });

  it('puts the gaps between measured stages and the stages not measured in unexplained', () => {
    // The model started 100 ms after the end of the turn; nothing measured tts; playout measured.
    const { stages } = turnBreakdown(1000, 2000, [
      { from: 1000, to: 1300 },
      undefined,
      { from: 1400, to: 1600 },
      undefined,
      { from: 1900, to: 2000 },
    ]);
    expect(stages).toEqual([300, undefined, 200, undefined, 100, 400]);
    expect(sum(stages)).toBe(1000);
  });

  it('credits no stage with time before the end of speech or after the first audio played', () => {
    // A model started early (preemptive generation) and a TTS figure that overruns playback.
    const { stages } = turnBreakdown(1000, 1500, [
      { from: 1000, to: 1200 },
      undefined,
      { from: 900, to: 1100 },
      { from: 1300, to: 1600 },
      undefined,
    ]);
    expect(stages).toEqual([200, undefined, 0, 200, undefined, 100]);
    expect(sum(stages)).toBe(500);
  });

  it('treats an interval that ends before it starts as not measured', () => {
    expect(turnBreakdown(0, 100, [{ from: 50, to: 40 }]).stages).toEqual([undefined, 100]);
  });

  it('without the end of speech, starts at the first stage and takes voice-to-voice as given', () => {
    const { voiceToVoice, stages } = turnBreakdown(undefined, undefined, [undefined, { from: 50, to: 150 }], 400);
    expect(voiceToVoice).toBe(400);
    expect(stages).toEqual([undefined, 100, 300]);
    // Stages that outgrow the given figure leave nothing unexplained, never a negative.
    expect(turnBreakdown(undefined, undefined, [{ from: 0, to: 500 }], 400).stages).toEqual([500, 0]);
  });

  it('has no voice-to-voice, and no unexplained part, when either end is unknown', () => {
    expect(turnBreakdown(0, undefined, [{ from: 0, to: 300 }])).toEqual({
      voiceToVoice: undefined,
      stages: [300, undefined],
    });
  });
});
