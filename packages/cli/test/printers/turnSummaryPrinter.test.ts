import type { TurnSummary } from '@transcriber/queries';
import { makeStyle, withoutColour } from '../../src/output/style';
import { turnSummaryRows, turnSummarySection } from '../../src/printers/turnSummaryPrinter';
import { distribution, turnSummary } from '../fixtures/results';

const plain = makeStyle(false);
const LEGEND =
  'e endpointing · t transcription · a agent · s tts · p playout · u unexplained; UPPER CASE: the slowest stage';

const summary: TurnSummary = turnSummary(12, {
  completeTurns: 10,
  failedTurns: 1,
  interruptions: 2,
  sources: [
    { source: 'transcriber', turns: 8 },
    { source: 'livekit', turns: 4 },
  ],
  voiceToVoiceMs: distribution(11, [600, 950, 1400, 1520, 1550], 1002.4),
  sourceDifferenceMs: distribution(4, [-3.5, 4, 10, 12, 12.2], 4.4),
  breakdown: {
    turns: 11,
    avgVoiceToVoiceMs: 1000,
    stages: [
      { stage: 'endpointing', component: 'vad', avgMs: 100, share: 0.1 },
      { stage: 'transcription', component: 'stt', avgMs: 150, share: 0.15 },
      { stage: 'agent', component: 'agent', avgMs: 450, share: 0.45 },
      { stage: 'tts', component: 'tts', avgMs: 200, share: 0.2 },
      { stage: 'playout', component: 'audio_output', avgMs: 50, share: 0.05 },
      { stage: 'unexplained', component: 'pipeline', avgMs: 50, share: 0.05 },
    ],
  },
  llmTimeToFirstChunkMs: distribution(11, [200, 300, 400, 450, 460], 320.4),
  llmOutputTokensPerSecond: distribution(11, [30, 42, 50, 55, 56], 42.26),
  ttsTimeToFirstByteMs: distribution(11, [60, 85, 110, 120, 121], 85.56),
  sttRealTimeFactor: distribution(11, [0.1, 0.2, 0.4, 0.5, 0.5], 0.234),
});

describe('turnSummarySection', () => {
  it('shows counts, sources, voice-to-voice percentiles, the difference to the framework, the breakdown and per-turn figures', () => {
    expect(turnSummarySection(summary, plain)).toBe(
      [
        'Voice turns: 12 (10 complete, 1 failed, 2 interruptions)',
        'from transcriber 8, livekit 4',
        'voice-to-voice  p50 950 ms  p95 1400 ms  p99 1520 ms  avg 1002 ms  (11 turns)',
        "ours less the framework's own figure  avg +4.40 ms  min -3.50  max +12.2  (4 turns)",
        '',
        'average breakdown of the 11 turns with voice-to-voice (1000 ms)',
        `eeeeeettttttttt${'A'.repeat(27)}sssssssssssspppuuu`,
        'stage          component     avg ms  share',
        'endpointing    vad              100  10.0%',
        'transcription  stt              150  15.0%',
        'agent          agent            450  45.0%',
        'tts            tts              200  20.0%',
        'playout        audio_output    50.0   5.0%',
        'unexplained    pipeline        50.0   5.0%',
        LEGEND,
        '',
        'averages per turn: LLM time to first chunk 320 ms · LLM output 42.3 tokens/s · TTS time to first byte 85.6 ms · STT real-time factor 0.23',
      ].join('\n'),
    );
  });

  it('says when no turn has a voice-to-voice latency, and leaves out what was not measured', () => {
    expect(turnSummarySection(turnSummary(3), plain)).toBe(
      'Voice turns: 3 (3 complete)\nno turn has both user_speech_end and first_audio_played marks: no voice-to-voice latency',
    );
  });

  it('names the source when it is not transcriber alone, and one interruption in the singular', () => {
    const livekit = turnSummary(1, { interruptions: 1, sources: [{ source: 'livekit', turns: 1 }] });
    expect(turnSummarySection(livekit, plain).split('\n').slice(0, 2)).toEqual([
      'Voice turns: 1 (1 complete, 1 interruption)',
      'from livekit 1',
    ]);
  });

  it('fits the bar to a narrow terminal', () => {
    const lines = turnSummarySection(summary, makeStyle(false, 30)).split('\n');
    expect(lines[6]).toBe(`eeetttt${'A'.repeat(12)}ssssspu`);
  });

  it('marks the slowest stage in bold red in the bar and the table, keeping the columns aligned', () => {
    const text = turnSummarySection(summary, makeStyle(true));
    expect(text).toContain(`\u001b[31m\u001b[1m${'A'.repeat(27)}\u001b[22m\u001b[39m`);
    expect(text).toContain('\n\u001b[31m\u001b[1magent\u001b[22m\u001b[39m          agent            450  45.0%\n');
    expect(withoutColour(text)).toBe(turnSummarySection(summary, plain));
  });
});

describe('turnSummaryRows', () => {
  it('gives a row for the turns and one per stage of the breakdown', () => {
    const rows = turnSummaryRows(summary);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({
      section: 'turns',
      turns: 12,
      complete_turns: 10,
      failed_turns: 1,
      interruptions: 2,
      voice_to_voice_avg_ms: 1002.4,
      voice_to_voice_p50_ms: 950,
      voice_to_voice_p95_ms: 1400,
      voice_to_voice_p99_ms: 1520,
      source_difference_avg_ms: 4.4,
    });
    expect(rows[3]).toEqual({ section: 'turn_stage', stage: 'agent', component: 'agent', avg_ms: 450, share: 0.45 });
  });

  it('leaves the figures of turns without voice-to-voice empty', () => {
    expect(turnSummaryRows(turnSummary(3))).toEqual([
      {
        section: 'turns',
        turns: 3,
        complete_turns: 3,
        failed_turns: 0,
        interruptions: 0,
        voice_to_voice_avg_ms: null,
        voice_to_voice_p50_ms: null,
        voice_to_voice_p95_ms: null,
        voice_to_voice_p99_ms: null,
        source_difference_avg_ms: null,
      },
    ]);
  });
});
