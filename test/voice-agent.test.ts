/**
 * End to end: the example voice agent (examples/voice-agent: WebRTC VAD, pocketsphinx, a local
 * intent matcher or an OpenAI-compatible model, espeak-ng) listens to utterances synthesised at
 * test time, under `node --require @transcriber/node/register` with only its transcriber.config.json
 * mapping its modules. Every turn must reach SQLite with all its stages, voice-to-voice must be the
 * sum of its parts, and `transcriber turns --json` must agree with the database.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recommendFromRecords, type Figure } from '@transcriber/optimizer/recommendations';
import { startScriptedChatModel, MODEL_DELAYS_MS, type ScriptedChatModel } from './helpers/scriptedChatModel';
import { speechInput } from './helpers/speechInput';
import type { StoredSpan } from './helpers/storedSpans';
import { runCli } from './helpers/cli';
import { EXAMPLE, requireAgentTools, runAgent as runExample, type AgentRun } from './helpers/voiceAgent';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';
import { cleanEnv } from './helpers/cleanEnv';

const STAGES = ['endpointing', 'transcription', 'agent', 'tts', 'playout'];
const HANGOVER_MS = 400;

afterAll(removeTempDirs);

beforeAll(requireAgentTools);

/** Runs the agent on `input` under the preload, as its README says, with its own data and state files. */
const runAgent = (dir: string, env: Record<string, string> = {}) => runExample(dir, { env, hangoverMs: HANGOVER_MS });

const turnsOf = (run: AgentRun) => run.spans.filter((s) => s.component === 'pipeline' && s.operation === 'turn');
const descendants = (run: AgentRun, root: StoredSpan): StoredSpan[] => {
  const direct = run.spans.filter((s) => s.parentSpanId === root.spanId);
  return [...direct, ...direct.flatMap((s) => descendants(run, s))];
};
const stageMs = (turn: StoredSpan, stage: string) =>
  (turn.attributes[`transcriber.turn.${stage}.duration`] as number) * 1000;
const voiceToVoiceMs = (turn: StoredSpan) =>
  (turn.attributes['transcriber.turn.voice_to_voice.duration'] as number) * 1000;
const eventMs = (turn: StoredSpan, name: string) => turn.events.find((e) => e.name === name)!.time_us / 1000;

describe('the example voice agent, answering with its local intent matcher', () => {
  let run: AgentRun;

  beforeAll(async () => {
    const dir = makeTempDir('voice-agent-e2e-');
    // The third utterance comes while the agent is still giving its long answer to the second: a barge-in.
    speechInput(path.join(dir, 'input.wav'), [
      { silence: 1 },
      { say: 'turn on the kitchen lights' },
      { silence: 4.5 },
      { say: 'what can you do' },
      { silence: 3.5 },
      { say: 'what time is it' },
      { silence: 4 },
    ]);
    run = await runAgent(dir);
  }, 90_000);

  it('hears each utterance, answers it, stops talking when interrupted, and keeps the lights in their file', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('you:   turn on the kitchen lights');
    expect(lines[1]).toBe('agent: Okay, the kitchen lights are on.');
    expect(lines[2]).toBe('you:   what can you do');
    expect(lines[3]).toMatch(/^agent: I can switch the lights .* \[interrupted\]$/);
    expect(lines[4]).toBe('you:   what time is it');
    expect(lines[5]).toMatch(/^agent: It is \d{1,2}:\d\d [AP]M\.$/);
    expect(JSON.parse(fs.readFileSync(path.join(run.dir, 'lights.json'), 'utf8'))).toEqual({
      'living room': false,
      kitchen: true,
      bedroom: false,
    });
  });

  it('records a turn per utterance in SQLite, each with every stage, adding up to voice-to-voice', () => {
    const turns = turnsOf(run);
    expect(turns).toHaveLength(3);
    for (const turn of turns) {
      for (const stage of STAGES) expect(stageMs(turn, stage)).toBeGreaterThanOrEqual(0);
      const sum = STAGES.reduce((ms, stage) => ms + stageMs(turn, stage), 0);
      expect(Math.abs(sum - voiceToVoiceMs(turn))).toBeLessThan(0.001);
      // The same latency, independently, from the stored times of the turn's two end points.
      expect(
        Math.abs(eventMs(turn, 'first_audio_played') - eventMs(turn, 'user_speech_end') - voiceToVoiceMs(turn)),
      ).toBeLessThan(0.01);
      // Endpointing waits out the hangover (the first silent frame is part of it). The microphone
      // delivers frames on an absolute 20 ms schedule, like a real one whose frames queue while the
      // process is busy: a speech-end frame delivered late (timer jitter on a loaded machine) is
      // followed by frames on time, so the measured wait is short by that lateness, at most a frame.
      expect(stageMs(turn, 'endpointing')).toBeGreaterThanOrEqual(HANGOVER_MS - 20 - 20);
      expect(stageMs(turn, 'transcription')).toBeGreaterThan(0);
      expect(turn.attributes['transcriber.stt.real_time_factor']).toBeGreaterThan(0);
      expect(turn.attributes['transcriber.stt.audio.duration']).toBeGreaterThan(0.5);
      expect(turn.attributes['transcriber.tts.time_to_first_byte']).toBeGreaterThan(0);
      expect(turn.attributes['transcriber.tts.audio.duration']).toBeGreaterThan(0.5);
    }
    expect(turns[0].attributes['transcriber.tts.characters']).toBe('Okay, the kitchen lights are on.'.length);
    expect(turns.map((t) => t.attributes['transcriber.turn.interruptions'])).toEqual([0, 1, 0]);
  });

  it("nests the agent's operations under each turn, as its modules are mapped", () => {
    const operations = (turn: StoredSpan) =>
      new Set(descendants(run, turn).map((s) => `${s.component}.${s.operation}`));
    const [lights, help] = turnsOf(run);
    expect(operations(lights)).toEqual(
      new Set([
        'vad.listen',
        'stt.transcribe',
        'agent.reply',
        'tool.switch_lights',
        'tts.synthesize',
        'audio_output.play',
      ]),
    );
    // The long answer was cut short: its playback lasted less than the answer takes to say.
    const played = descendants(run, help).find((s) => s.component === 'audio_output')!.durationMs / 1000;
    const said = /^agent: (.*) \[interrupted\]$/m.exec(run.stdout)![1];
    const full = path.join(run.dir, 'full-answer.wav');
    spawnSync('espeak-ng', ['-v', 'en-us', '-s', '175', '-w', full, said]);
    expect(played).toBeLessThan(Number(spawnSync('soxi', ['-D', full], { encoding: 'utf8' }).stdout) - 1);
    // Mark-only entries (user speech end, first audio played, interruption) record no operation.
    expect(
      run.spans.filter((s) => s.component !== null && s.component !== 'pipeline' && s.parentSpanId === null),
    ).toEqual([]);
  });

  it('writes the agent voice in real time, lined up with what it heard', () => {
    const input = Number(spawnSync('soxi', ['-D', path.join(run.dir, 'input.wav')], { encoding: 'utf8' }).stdout);
    const output = Number(spawnSync('soxi', ['-D', path.join(run.dir, 'agent.wav')], { encoding: 'utf8' }).stdout);
    expect(Math.abs(output - input)).toBeLessThan(1.5);
    const stats = spawnSync('sox', [path.join(run.dir, 'agent.wav'), '-n', 'stat'], { encoding: 'utf8' }).stderr;
    expect(Number(/Maximum amplitude:\s+([\d.]+)/.exec(stats)![1])).toBeGreaterThan(0.1);
  });

  // Its VAD operation (Listener.listen) waits for the user to finish speaking: over the VAD's 30 ms
  // budget, but by waiting, not computing. It was the top recommendation, to "use a lighter model".
  it('is not told to compute faster where it waits: the VAD listens, the loop mostly idle', () => {
    const report = recommendFromRecords(run.dataDir, { thresholds: { minOperations: 3 } });
    const vad = report.recommendations.find((r) => r.id === 'latency:vad')!;
    expect(vad).toBeDefined();
    expect((vad.evidence.loopBusyShare as Figure).value).toBeLessThan(0.2);
    expect(vad.description).toMatch(/mostly wait/);
    expect(vad.description).not.toMatch(/use a lighter model/);
    expect(vad.priority).toBe('low');
    // Ranked below anything more pressing (on its own, it is the one low item of the list).
    const rank = report.recommendations.indexOf(vad);
    expect(report.recommendations.slice(rank + 1).filter((r) => r.priority !== 'low')).toEqual([]);
  });

  it('lists the same turns and breakdowns with transcriber turns --json', () => {
    const result = runCli(['--data-dir', run.dataDir, '--json', 'turns']);
    expect(result.status).toBe(0);
    const listed = (
      JSON.parse(result.stdout) as {
        turns: {
          spanId: string;
          voiceToVoiceMs: number;
          complete: boolean;
          interruptions: number;
          stages: { stage: string; ms: number }[];
        }[];
      }
    ).turns.reverse();
    const turns = turnsOf(run);
    expect(listed.map((t) => t.spanId)).toEqual(turns.map((t) => t.spanId));
    listed.forEach((t, i) => {
      expect(t.complete).toBe(true);
      expect(t.voiceToVoiceMs).toBeCloseTo(voiceToVoiceMs(turns[i]), 6);
      // Every mark made: the stages explain all of voice-to-voice, the unexplained rest is 0.
      expect(t.stages.map((s) => s.stage)).toEqual([...STAGES, 'unexplained']);
      t.stages.slice(0, -1).forEach((s) => expect(s.ms).toBeCloseTo(stageMs(turns[i], s.stage), 6));
      expect(t.stages[STAGES.length].ms).toBe(0);
      expect(t.interruptions).toBe(turns[i].attributes['transcriber.turn.interruptions']);
    });
  });
});

describe('the example voice agent, answering with a model behind an OpenAI-compatible API', () => {
  let run: AgentRun;
  let model: ScriptedChatModel;

  beforeAll(async () => {
    model = await startScriptedChatModel();
    const dir = makeTempDir('voice-agent-e2e-');
    speechInput(path.join(dir, 'input.wav'), [{ silence: 1 }, { say: 'turn on the kitchen lights' }, { silence: 4.5 }]);
    run = await runAgent(dir, {
      OPENAI_BASE_URL: model.baseURL,
      OPENAI_API_KEY: 'test-key',
      VOICE_AGENT_MODEL: 'small',
    });
  }, 90_000);

  afterAll(() => model.close());

  it('lets the model call the lights tool, then speaks its answer', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('agent: Done. The lights are now on in the kitchen.');
    expect(model.requests).toHaveLength(2);
    expect(model.requests[1].messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(JSON.parse(fs.readFileSync(path.join(run.dir, 'lights.json'), 'utf8')).kitchen).toBe(true);
  });

  it('records the LLM calls in the turn, its agent stage ending at the first token of the answering call', () => {
    const [turn] = turnsOf(run);
    const below = new Set(descendants(run, turn));
    // Stored spans are in start order.
    const calls = run.spans.filter((s) => below.has(s) && s.component === 'llm');
    expect(calls).toHaveLength(2);
    expect([...below].some((s) => s.component === 'tool' && s.operation === 'switch_lights')).toBe(true);
    for (const call of calls) {
      expect(call.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(
        MODEL_DELAYS_MS.firstChunk / 1000 - 0.005,
      );
      expect(call.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    }
    // The agent stage ends at the answer's first token, not at the tool call's.
    const firstToken = (call: StoredSpan) => call.events.find((e) => e.name === 'first_token')!.time_us / 1000;
    const agentEnd = eventMs(turn, 'final_transcript') + stageMs(turn, 'agent');
    expect(agentEnd).toBeGreaterThanOrEqual(firstToken(calls[1]) - 0.01);
    expect(agentEnd).toBeGreaterThan(firstToken(calls[0]) + MODEL_DELAYS_MS.firstChunk);
    for (const stage of STAGES) expect(stageMs(turn, stage)).toBeGreaterThanOrEqual(0);
    const sum = STAGES.reduce((ms, stage) => ms + stageMs(turn, stage), 0);
    expect(Math.abs(sum - voiceToVoiceMs(turn))).toBeLessThan(0.001);
    expect(stageMs(turn, 'agent')).toBeGreaterThanOrEqual(2 * MODEL_DELAYS_MS.firstChunk);
    // Tokens of both calls add up in the turn; the first call's time to first chunk is the turn's.
    const tokens = calls.reduce((n, c) => n + (c.attributes['gen_ai.usage.output_tokens'] as number), 0);
    expect(turn.attributes['gen_ai.usage.output_tokens']).toBe(tokens);
    expect(turn.attributes['gen_ai.response.time_to_first_chunk']).toBe(
      calls[0].attributes['gen_ai.response.time_to_first_chunk'],
    );
  });
});

describe('the example voice agent, run with its defaults', () => {
  it('writes its voice and the lights into out/ where it runs, which git ignores, not beside its sources', () => {
    const dir = makeTempDir('voice-agent-e2e-');
    speechInput(path.join(dir, 'input.wav'), [
      { silence: 0.5 },
      { say: 'turn on the kitchen lights' },
      { silence: 1.5 },
    ]);
    const result = spawnSync(
      process.execPath,
      [path.join(EXAMPLE, 'dist', 'main.js'), '--input', 'input.wav', '--fast'],
      {
        cwd: dir,
        env: cleanEnv(),
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['input.wav', 'out']);
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['agent-output.wav', 'lights.json']);
    expect(result.stdout).toContain(`the agent's voice is in ${path.join('out', 'agent-output.wav')}`);
    // Where a user runs it, in the example's directory (README) or the repository's: ignored.
    const ignored = spawnSync(
      'git',
      [
        'check-ignore',
        'examples/voice-agent/out/agent-output.wav',
        'examples/voice-agent/out/lights.json',
        'out/lights.json',
      ],
      { cwd: path.resolve(EXAMPLE, '..', '..'), encoding: 'utf8' },
    );
    expect(ignored.stdout.trim().split('\n')).toHaveLength(3);
  });
});

describe('the example voice agent pipeline benchmark', () => {
  it("runs with transcriber benchmark --component pipeline in the example's directory, each component's share from its spans", () => {
    const dataDir = path.join(makeTempDir('voice-agent-e2e-'), 'data');
    const result = runCli(
      ['--data-dir', dataDir, '--json', 'benchmark', '--component', 'pipeline', '--iterations', '3'],
      {
        cwd: EXAMPLE,
        timeoutMs: 60_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const view = JSON.parse(result.stdout) as {
      files: string[];
      problems: unknown[];
      results: {
        name: string;
        component: string;
        state: string;
        iterations: number;
        componentShares: { component: string; spans: number; selfMs: number; sharePercent: number }[];
      }[];
    };
    expect(view.files).toEqual(['benchmarks/pipeline.bench.js']);
    expect(view.problems).toEqual([]);
    const [run] = view.results;
    expect(run).toMatchObject({ name: 'conversation turn', component: 'pipeline', state: 'completed', iterations: 3 });
    // The agent's modules were instrumented by its config file's map: one span of each per iteration.
    const shares = new Map(run.componentShares.map((s) => [s.component, s]));
    for (const component of ['vad', 'stt', 'agent', 'tool', 'tts', 'audio_output']) {
      expect(shares.get(component)).toMatchObject({ spans: 3 });
      expect(shares.get(component)!.selfMs).toBeGreaterThan(0);
    }
    // Speech-to-text (a pocketsphinx process per utterance) takes more than the VAD over the same audio.
    expect(shares.get('stt')!.selfMs).toBeGreaterThan(shares.get('vad')!.selfMs);
  });
});
