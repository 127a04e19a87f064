import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { expectOneLineError, runCli, workloadEnv } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

interface Stage {
  stage: string;
  component: string;
  ms: number | null;
}
interface Turn {
  traceId: string;
  startUs: number;
  voiceToVoiceMs: number | null;
  stages: Stage[];
  complete: boolean;
  slowestStage: string | null;
  interruptions: number;
  llmTimeToFirstChunkMs: number | null;
  ttsTimeToFirstByteMs: number | null;
}

const LETTERS: Record<string, string> = {
  endpointing: 'e',
  transcription: 't',
  agent: 'a',
  tts: 's',
  playout: 'p',
  unexplained: 'u',
};

// Four complete turns (the third interrupted) and a fifth without its tts and playout marks,
// recorded by a real instrumented process (see fixtures/voiceTurns.js).
let dataDir: string;
beforeAll(() => {
  dataDir = makeTempDir();
  const result = spawnSync(process.execPath, [path.join(__dirname, '..', 'fixtures', 'voiceTurns.js'), '4'], {
    env: cleanEnv(workloadEnv(dataDir)),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`voiceTurns failed (${result.status}): ${result.stderr}`);
});

function json(args: string[]) {
  const result = runCli(['--data-dir', dataDir, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

const sum = (stages: Stage[]) => stages.reduce((ms, s) => ms + (s.ms ?? 0), 0);

describe('transcriber turns', () => {
  it('lists turns newest first with stages that add up to voice-to-voice, and the slowest stage', () => {
    const { turns, order } = json(['turns']) as { turns: Turn[]; order: string };
    expect(order).toBe('recent');
    expect(turns).toHaveLength(5);
    for (let i = 1; i < turns.length; i++) expect(turns[i - 1].startUs).toBeGreaterThan(turns[i].startUs);
    expect(turns.map((t) => t.complete)).toEqual([false, true, true, true, true]);
    expect(turns[0].voiceToVoiceMs).toBeNull();
    expect(turns[0].stages.map((s) => s.ms === null)).toEqual([false, false, false, true, true, true]);
    for (const turn of turns.slice(1)) {
      expect(turn.stages.map((s) => s.stage)).toEqual(Object.keys(LETTERS));
      expect(Math.abs(sum(turn.stages) - turn.voiceToVoiceMs!)).toBeLessThan(0.001);
      // Each stage waited at least what the fixture slept; every mark was made, nothing unexplained.
      const [endpointing, transcription, agent, tts, playout, unexplained] = turn.stages.map((s) => s.ms!);
      expect(unexplained).toBe(0);
      expect(endpointing).toBeGreaterThanOrEqual(39);
      expect(transcription).toBeGreaterThanOrEqual(19);
      expect(agent).toBeGreaterThanOrEqual(39);
      expect(tts).toBeGreaterThanOrEqual(14);
      expect(playout).toBeGreaterThanOrEqual(4);
      const longest = turn.stages.reduce((a, b) => (b.ms! > a.ms! ? b : a));
      expect(turn.slowestStage).toBe(longest.stage);
      expect(turn.llmTimeToFirstChunkMs).toBeGreaterThanOrEqual(39);
      expect(turn.ttsTimeToFirstByteMs).toBeGreaterThanOrEqual(14);
    }
    expect(turns.map((t) => t.interruptions)).toEqual([0, 0, 1, 0, 0]);
  });

  it('draws a bar per turn, its length true to voice-to-voice, the slowest stage in upper case', () => {
    const { turns } = json(['turns']) as { turns: Turn[] };
    const result = runCli(['--data-dir', dataDir, 'turns']);
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Most recent voice turns, last 60 min');
    expect(lines[1].split(/\s{2,}/)).toEqual([
      'started',
      'trace',
      'voice-to-voice',
      'breakdown',
      'endpoint',
      'stt',
      'agent',
      'tts',
      'playout',
      'unexpl',
      'int',
      'source',
      'source v2v',
    ]);
    expect(lines[2]).toContain('no voice-to-voice (no tts, playout)');
    const bars = lines.slice(3, 7).map((l) => l.match(/ms {2}([etaspu]+[ETASPU]+[etaspu]*|[ETASPU]+[etaspu]+)/)![1]);
    const longest = Math.max(...turns.slice(1).map((t) => t.voiceToVoiceMs!));
    bars.forEach((bar, i) => {
      const turn = turns[i + 1];
      const upper = bar.replace(/[a-z]/g, '');
      expect(new Set(upper)).toEqual(new Set([LETTERS[turn.slowestStage!].toUpperCase()]));
      expect(bar.length).toBe(Math.round((turn.voiceToVoiceMs! / longest) * 24));
      // Stages in pipeline order.
      expect(bar.toLowerCase()).toMatch(/^e*t*a*s*p*u*$/);
    });
    expect(lines.slice(3, 7).every((l) => / transcriber +- *$/.test(l))).toBe(true);
    expect(result.stdout).toContain('e endpointing · t transcription · a agent · s tts · p playout · u unexplained');
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('lists the slowest first with --slowest and --limit, and exports CSV', () => {
    const { turns } = json(['turns', '--slowest', '--limit', '3']) as { turns: Turn[] };
    expect(turns).toHaveLength(3);
    const all = (json(['turns']) as { turns: Turn[] }).turns.filter((t) => t.voiceToVoiceMs !== null);
    const expected = all.map((t) => t.voiceToVoiceMs).sort((a, b) => b! - a!);
    expect(turns.map((t) => t.voiceToVoiceMs)).toEqual(expected.slice(0, 3));

    const file = path.join(makeTempDir(), 'turns.csv');
    expect(runCli(['--data-dir', dataDir, 'turns', '--export', file]).status).toBe(0);
    const [header, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(header.split(',')).toEqual(
      expect.arrayContaining([
        'voice_to_voice_ms',
        'endpointing_ms',
        'playout_ms',
        'unexplained_ms',
        'slowest_stage',
        'interruptions',
        'source',
        'source_voice_to_voice_ms',
      ]),
    );
    expect(rows).toHaveLength(5);
  });

  it("prints each turn's short trace id, which traces show takes to draw the turn's marks and stages", () => {
    const turns = (json(['turns']) as { turns: Turn[] }).turns;
    const text = runCli(['--data-dir', dataDir, 'turns']).stdout;
    const interrupted = turns.find((t) => t.interruptions > 0)!;
    const short = interrupted.traceId.slice(-8);
    expect(text).toMatch(new RegExp(`\\n\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\s+${short}\\s`));

    const shown = runCli(['--data-dir', dataDir, 'traces', 'show', short]);
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toMatch(new RegExp(`^trace ${interrupted.traceId}`));
    const lines = shown.stdout.split('\n');
    const marks = lines.find((l) => l.includes('· marks'))!;
    const stages = lines.find((l) => l.includes('· stages'))!;
    // Every boundary mark ticked, in order along the axis, and the barge-in.
    const ticks = marks.slice(marks.indexOf('· marks') + 7).replace(/[^uefbtp!]/g, '');
    expect(ticks.replace('!', '')).toBe('ueftbp');
    expect(ticks).toContain('!');
    expect(stages).toMatch(new RegExp(`v2v ${interrupted.voiceToVoiceMs!.toFixed(0)}`));
    expect(stages).toMatch(/[etasp]*[ETASP]+[etasp]*\s*$/);

    // The stages are placed to end at the first audio played.
    const view = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'traces', 'show', short]).stdout);
    expect(view.turns).toHaveLength(1);
    const [turn] = view.turns;
    expect(turn.turn.voiceToVoiceMs).toBeCloseTo(interrupted.voiceToVoiceMs!, 6);
    const played = turn.marks.find((m: { name: string }) => m.name === 'first_audio_played');
    expect(turn.stagesFromMs + turn.turn.voiceToVoiceMs).toBeCloseTo(played.offsetMs, 6);
  });

  it('rejects a bad --limit with one line', () => {
    expectOneLineError(runCli(['--data-dir', dataDir, 'turns', '--limit', '0']), 2, /--limit/);
  });
});

describe('transcriber performance: the turns section', () => {
  it('gives voice-to-voice percentiles and the average breakdown, agreeing with transcriber turns', () => {
    const report = json(['performance']);
    const turns = (json(['turns']) as { turns: Turn[] }).turns;
    const latencies = turns.flatMap((t) => (t.voiceToVoiceMs === null ? [] : [t.voiceToVoiceMs])).sort((a, b) => a - b);
    expect(report.turns).toMatchObject({ turns: 5, completeTurns: 4, interruptions: 1, failedTurns: 0 });
    expect(report.turns.voiceToVoiceMs.count).toBe(4);
    expect(report.turns.voiceToVoiceMs.min).toBeCloseTo(latencies[0], 9);
    expect(report.turns.voiceToVoiceMs.max).toBeCloseTo(latencies[3], 9);
    expect(report.turns.voiceToVoiceMs.p50).toBeCloseTo((latencies[1] + latencies[2]) / 2, 9);
    const stages = report.turns.breakdown.stages as { stage: string; avgMs: number; share: number }[];
    expect(stages.map((s) => s.stage)).toEqual(Object.keys(LETTERS));
    expect(stages.reduce((ms, s) => ms + s.avgMs, 0)).toBeCloseTo(report.turns.breakdown.avgVoiceToVoiceMs, 6);
    const complete = turns.filter((t) => t.complete);
    expect(stages[2].avgMs).toBeCloseTo(complete.reduce((ms, t) => ms + t.stages[2].ms!, 0) / complete.length, 6);

    const text = runCli(['--data-dir', dataDir, 'performance']).stdout;
    expect(text).toMatch(/\nVoice turns: 5 \(4 complete, 1 interruption\)\nvoice-to-voice {2}p50 \S+ ms {2}p95 /);
    expect(text).toMatch(
      /\naverage breakdown of the 4 turns with voice-to-voice \(\S+ ms\)\n[etaspu]*[ETASPU]+[etaspu]*\n/,
    );
  });

  it('has no turns section for another component', () => {
    expect(json(['performance', '--component', 'stt']).turns).toBeUndefined();
    expect(json(['performance', '--component', 'pipeline']).turns.turns).toBe(5);
  });
});
