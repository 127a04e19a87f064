/**
 * End to end: the example LiveKit agent (examples/livekit-agent: the real @livekit/agents, its own
 * test STT and LLM, WebRTC VAD, espeak-ng), with no transcriber code in it, run as a child process
 * under `node --require @transcriber/node/register` and under `--import`. Its exchanges must reach
 * SQLite as turns while it runs, LiveKit's spans as component operations, and its
 * `metrics_collected` figures as our histograms.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { openForQuery, recentTurns } from '@transcriber/queries';
import { cleanEnv } from './helpers/cleanEnv';
import { storedSpans, type StoredSpan } from './helpers/storedSpans';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

const REPO = path.resolve(__dirname, '..');
const EXAMPLE = path.join(REPO, 'examples', 'livekit-agent');
const STAGES = ['endpointing', 'transcription', 'agent', 'tts', 'playout', 'unexplained'];

afterAll(removeTempDirs);

beforeAll(() => {
  if (spawnSync('sh', ['-c', 'command -v espeak-ng']).status !== 0) {
    throw new Error('espeak-ng is not installed: run bash scripts/install-system-deps.sh');
  }
  if (!fs.existsSync(path.join(EXAMPLE, 'dist', 'main.js'))) throw new Error('examples/livekit-agent is not built');
});

interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  dataDir: string;
  spans: StoredSpan[];
  /** Turns `recentTurns` read from the database while the agent was still running. */
  turnsSeenWhileRunning: number;
}

/** Runs the agent under the preload (`--require` or `--import`), watching its database while it runs. */
async function runAgent(flag: '--require' | '--import'): Promise<AgentRun> {
  const dir = makeTempDir('livekit-agent-e2e-');
  const dataDir = path.join(dir, 'data');
  const child = spawn(process.execPath, [flag, '@transcriber/node/register', 'dist/main.js'], {
    cwd: EXAMPLE,
    env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: dataDir, TRANSCRIBER_PERF_METRIC_EXPORT_INTERVAL: '1' }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  let running = true;
  let turnsSeenWhileRunning = 0;
  const watch = setInterval(() => {
    if (running) turnsSeenWhileRunning = Math.max(turnsSeenWhileRunning, turnsIn(dataDir));
  }, 250);
  const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  running = false;
  clearInterval(watch);
  clearTimeout(timer);
  return { code, stdout, stderr, dataDir, spans: storedSpans(dataDir), turnsSeenWhileRunning };
}

function turnsIn(dataDir: string): number {
  if (!fs.existsSync(path.join(dataDir, 'performance_metrics.db'))) return 0;
  try {
    const db = openForQuery(dataDir, 'performance_metrics');
    try {
      return recentTurns(db, { sinceUs: 0, limit: 100 }).length;
    } finally {
      db.close();
    }
  } catch {
    return 0; // being created or migrated at this moment
  }
}

/** Histogram points recorded of `name` for each component/operation: their summed counts. */
function histogramCounts(dataDir: string, name: string): Map<string, number> {
  const db = new Database(path.join(dataDir, 'performance_metrics.db'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT component || '/' || operation AS key, sum(count) AS n FROM metric_points
          WHERE name = ? GROUP BY component, operation`,
      )
      .all(name) as { key: string; n: number }[];
    return new Map(rows.map((r) => [r.key, r.n]));
  } finally {
    db.close();
  }
}

const seconds = (span: StoredSpan, name: string) => span.attributes[name] as number | undefined;
const named = (run: AgentRun, name: string) => run.spans.filter((s) => s.name === name);

describe.each(['--require', '--import'] as const)('the example LiveKit agent under node %s', (flag) => {
  let run: AgentRun;

  beforeAll(async () => {
    run = await runAgent(flag);
  }, 120_000);

  it('holds the conversation, unchanged by the preload', () => {
    expect(run.stderr).not.toMatch(/transcriber/);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'user : turn on the kitchen lights',
      'agent: Done, the kitchen lights are on.',
      'user : what can you do',
      expect.stringMatching(/^agent: I can switch the lights .*\[interrupted\]$/),
      'user : stop, what time is it',
      'agent: It is a quarter past ten.',
      'user : thank you',
      'agent: You are welcome.',
    ]);
  });

  it("records each exchange as one pipeline turn under LiveKit's session, while the agent runs", () => {
    const [session] = named(run, 'agent_session');
    const turns = run.spans.filter((s) => s.component === 'pipeline');
    expect(turns.map((t) => [t.name, t.operation, t.attributes['transcriber.turn.source']])).toEqual(
      Array(4).fill(['pipeline.turn', 'turn', 'livekit']),
    );
    for (const turn of turns) {
      expect(turn.traceId).toBe(session.traceId);
      expect(turn.parentSpanId).toBe(session.spanId);
    }
    // LiveKit's own halves of an exchange are no operations (they would count it twice).
    for (const name of ['user_turn', 'agent_turn', 'user_speaking', 'agent_speaking', 'agent_session']) {
      expect(named(run, name).every((s) => s.component === null)).toBe(true);
    }
    expect(named(run, 'user_turn')).toHaveLength(4);
    // Live: turns were in the database before the agent ended, not written at the end of the session.
    expect(run.turnsSeenWhileRunning).toBeGreaterThanOrEqual(3);
  });

  it("gives each turn stages that add up to voice-to-voice, beside LiveKit's own figure", () => {
    const turns = run.spans.filter((s) => s.component === 'pipeline');
    const userTurns = named(run, 'user_turn');
    turns.forEach((turn, i) => {
      const v2v = seconds(turn, 'transcriber.turn.voice_to_voice.duration')!;
      const stages = STAGES.map((stage) => seconds(turn, `transcriber.turn.${stage}.duration`) ?? 0);
      expect(Math.abs(stages.reduce((a, b) => a + b, 0) - v2v)).toBeLessThan(1e-9);
      expect(stages.every((s) => s >= 0)).toBe(true);
      // Two clocks of LiveKit's (VAD end of speech, its own lastSpeakingTime) a few ms apart at most.
      const e2e = seconds(turn, 'transcriber.turn.source.voice_to_voice.duration')!;
      expect(Math.abs(v2v - e2e)).toBeLessThan(0.005);
      // Endpointing is LiveKit's end-of-turn delay (which Node's @livekit/agents gives in ms).
      expect(turn.startUs).toBe(userTurns[i].startUs);
      expect(stages[0] * 1000).toBeCloseTo(userTurns[i].attributes['lk.end_of_turn_delay'] as number, 6);
      // Its points are span events as our own marks make them, voice-to-voice apart.
      const at = (mark: string) => turn.events.find((e) => e.name === mark)?.time_us;
      expect((at('first_audio_played')! - at('user_speech_end')!) / 1e6).toBeCloseTo(v2v, 5);
      expect(turn.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0.2);
      expect(turn.attributes['transcriber.tts.time_to_first_byte']).toBeGreaterThan(0);
      expect(turn.attributes['transcriber.tts.characters']).toBeGreaterThan(10);
    });
    // The first exchange called the lights tool: two model rounds (250 ms to the first token each).
    expect(seconds(turns[0], 'transcriber.turn.agent.duration')).toBeGreaterThanOrEqual(0.5);
    expect(turns.map((t) => t.attributes['transcriber.turn.interruptions'])).toEqual([0, 1, 0, 0]);
  });

  it("tags LiveKit's component spans and records their durations and figures as our histograms", () => {
    const tagged = (name: string) => named(run, name).map((s) => `${s.component}/${s.operation}`);
    expect(new Set(tagged('llm_node'))).toEqual(new Set(['llm/llm_node']));
    expect(new Set(tagged('tts_node'))).toEqual(new Set(['tts/tts_node']));
    expect(tagged('function_tool')).toEqual(['tool/function_tool']);
    expect(new Set(tagged('eou_detection'))).toEqual(new Set(['vad/eou_detection']));
    const durations = histogramCounts(run.dataDir, 'transcriber.operation.duration');
    expect(durations.get('llm/llm_node')).toBe(named(run, 'llm_node').length);
    expect(durations.get('tts/tts_node')).toBe(4);
    expect(durations.get('tool/function_tool')).toBe(1);
    expect(durations.get('vad/eou_detection')).toBe(named(run, 'eou_detection').length);
    expect(durations.get('pipeline/turn')).toBe(4);
    // metrics_collected: one time to first token per model request, one time to first byte per TTS
    // request (LiveKit reports a request behind its stream adapter twice: counted once), the
    // end-of-utterance figures once per user turn.
    expect(histogramCounts(run.dataDir, 'gen_ai.client.operation.time_to_first_chunk').get('llm/llm_node')).toBe(
      named(run, 'llm_request').length,
    );
    const ttsRequests = named(run, 'tts_request').filter((s) => s.attributes['lk.tts.streaming'] === false);
    expect(histogramCounts(run.dataDir, 'transcriber.tts.time_to_first_byte').get('tts/tts_node')).toBe(
      ttsRequests.length,
    );
    expect(histogramCounts(run.dataDir, 'transcriber.turn.end_of_utterance_delay').get('vad/eou_detection')).toBe(4);
    expect(histogramCounts(run.dataDir, 'transcriber.turn.transcription_delay').get('stt/stt_node')).toBe(4);
    expect(histogramCounts(run.dataDir, 'transcriber.turn.voice_to_voice.duration').get('pipeline/turn')).toBe(4);
  });
});
