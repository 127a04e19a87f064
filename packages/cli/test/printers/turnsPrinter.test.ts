import { makeStyle, withoutColour } from '../../src/output/style';
import { printTurns, turnsRows } from '../../src/printers/turnsPrinter';
import type { ListedTurn, TurnsResult } from '../../src/results/turns';
import { T0_US, timeOfDay, turnRecord, WINDOW } from '../fixtures/results';

const plain = makeStyle(false);
const LEGEND =
  'e endpointing · t transcription · a agent · s tts · p playout · u unexplained; UPPER CASE: the slowest stage';
const NOTES =
  "stage times in ms; source v2v: the framework's own voice-to-voice (Δ: ours less it); transcriber traces show <trace> draws a turn with its marks and stages";

function listed(stageMs: (number | null)[], slowestStage: string | null, fields: Partial<ListedTurn>): ListedTurn {
  return { ...turnRecord(stageMs, fields), slowestStage };
}

const slow = listed([100, 200, 500, 150, 50, 0], 'agent', { traceId: '0000019bc0ffee00000000a1b2c3d4' });
const fast = listed([50, 250, 100, 50, 50, 0], 'transcription', {
  traceId: '0000019bc0ffee00000000b2c3d4e5',
  startUs: T0_US + 4_000_000,
  source: 'livekit',
  sourceVoiceToVoiceMs: 470,
  interruptions: 1,
});
const failed = listed([null, null, null, null, null, null], null, {
  traceId: '0000019bc0ffee00000000c3d4e5f6',
  startUs: T0_US + 9_000_000,
  error: true,
  errorType: 'TimeoutError',
});

function result(turns: ListedTurn[], fields: Partial<TurnsResult> = {}): TurnsResult {
  return { window: WINDOW, service: null, order: 'recent', turns, ...fields };
}

describe('printTurns', () => {
  it('draws each turn as a bar scaled to the slowest, its stages in ms, interruptions and the framework figure', () => {
    expect(printTurns(result([slow, fast, failed]), plain)).toBe(
      [
        'Most recent voice turns, last 15 min',
        'started       trace     voice-to-voice  breakdown                 endpoint  stt  agent   tts  playout  unexpl  int  source       source v2v',
        `${timeOfDay(slow.startUs)}  a1b2c3d4         1000 ms  eetttttAAAAAAAAAAAAssssp       100  200    500   150     50.0    0.00    0  transcriber           -`,
        `${timeOfDay(fast.startUs)}  b2c3d4e5          500 ms  eTTTTTTaaasp                  50.0  250    100  50.0     50.0    0.00    1  livekit      470 Δ+30.0`,
        `${timeOfDay(failed.startUs)}  c3d4e5f6               -  failed: TimeoutError             -    -      -     -        -       -    0  transcriber           -`,
        LEGEND,
        NOTES,
      ].join('\n'),
    );
  });

  it('says which marks a turn without voice-to-voice lacks', () => {
    const partial = listed([120, null, null, null, null, null], 'endpointing', { voiceToVoiceMs: null });
    const row = printTurns(result([partial], { order: 'slowest', service: 'voice-agent' }), plain).split('\n');
    expect(row[0]).toBe('Slowest voice turns, last 15 min · service voice-agent');
    expect(row[2]).toContain('  -  no voice-to-voice (no transcription, agent, tts, playout)  ');
  });

  it('says when the window holds no turn', () => {
    expect(printTurns(result([]), plain)).toBe(
      'Most recent voice turns, last 15 min\nno turns recorded in this window (turns are pipeline/turn operations)',
    );
  });

  it('scales every bar to the slowest turn and keeps the columns aligned, over many turns', () => {
    const turns = Array.from({ length: 20 }, (_, i) => {
      const agentMs = 100 + ((i * 137) % 900);
      return listed([80, 120 + i, agentMs, 90, 40, 5], agentMs > 120 + i ? 'agent' : 'transcription', {
        startUs: T0_US + i * 3_000_000,
      });
    });
    const widest = Math.max(...turns.map((t) => t.voiceToVoiceMs!));
    for (const columns of [80, 140]) {
      const barWidth = columns === 80 ? 24 : 40;
      const [, header, ...rows] = printTurns(result(turns), makeStyle(false, columns)).split('\n');
      const breakdownAt = header.indexOf('breakdown');
      const endpointEnd = header.indexOf('endpoint') + 'endpoint'.length;
      turns.forEach((turn, i) => {
        const row = rows[i];
        const bar = row.slice(breakdownAt).split(' ')[0];
        expect(bar).toHaveLength(Math.round((turn.voiceToVoiceMs! / widest) * barWidth));
        // Upper case is the slowest stage's letter, and only it.
        expect(bar.replace(/[a-z]/g, '')).toMatch(turn.slowestStage === 'agent' ? /^A+$/ : /^T+$/);
        expect(row.slice(endpointEnd - 4, endpointEnd)).toBe('80.0');
      });
    }
  });

  it('marks the slowest stage in bold red, interruptions and a framework figure far from ours in yellow', () => {
    const apart = { ...fast, sourceVoiceToVoiceMs: 420 };
    const text = printTurns(result([slow, apart, failed]), makeStyle(true));
    expect(text).toContain(`\u001b[31m\u001b[1m${'A'.repeat(12)}\u001b[22m\u001b[39m`);
    expect(text).toContain('\u001b[31m\u001b[1m500\u001b[22m\u001b[39m');
    expect(text).toContain('\u001b[33m1\u001b[39m');
    expect(text).toContain('\u001b[33m420 Δ+80.0\u001b[39m');
    expect(text).toContain('\u001b[31mfailed: TimeoutError\u001b[39m');
    expect(withoutColour(text)).toBe(printTurns(result([slow, apart, failed]), plain));
  });
});

describe('turnsRows', () => {
  it('gives one CSV row per turn with a column per stage', () => {
    const rows = turnsRows(result([fast, failed]));
    expect(rows[0]).toEqual({
      start_us: T0_US + 4_000_000,
      trace_id: '0000019bc0ffee00000000b2c3d4e5',
      span_id: '00f067aa0ba902b7',
      service: 'voice-agent',
      duration_ms: 2000,
      error: false,
      source: 'livekit',
      voice_to_voice_ms: 500,
      source_voice_to_voice_ms: 470,
      complete: true,
      endpointing_ms: 50,
      transcription_ms: 250,
      agent_ms: 100,
      tts_ms: 50,
      playout_ms: 50,
      unexplained_ms: 0,
      slowest_stage: 'transcription',
      interruptions: 1,
      llm_time_to_first_chunk_ms: null,
      llm_output_tokens_per_second: null,
      tts_time_to_first_byte_ms: null,
      stt_real_time_factor: null,
      stt_audio_seconds: null,
      tts_characters: null,
      tts_audio_seconds: null,
      input_tokens: null,
      output_tokens: null,
    });
    expect(rows[1]).toMatchObject({ error: true, voice_to_voice_ms: null, agent_ms: null, slowest_stage: null });
  });
});
