/**
 * `transcriber collect` turns Pipecat's and LiveKit Agents for Python's spans into our voice turns,
 * and the Vercel AI SDK's into llm and tool operations.
 * The span trees reproduce those frameworks' names, attributes, tracers, units and end order from
 * their sources (test/fixtures/otlp-sender.js, scenarios `pipecat-turns` and `livekit-python`), and
 * are sent by the OpenTelemetry JS OTLP exporters (their encoder, not ours) in another process to a
 * real receiver on 127.0.0.1, over http/protobuf, http/json and gRPC (Pipecat's default). The turns
 * are read back by the CLI, as users read them.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { OtlpServer } from '@transcriber/otlp-receiver';
import { childExit } from './helpers/children';
import { runCli } from './helpers/cli';
import { queryRows } from './helpers/sqlite';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

const SENDER = path.join(__dirname, 'fixtures', 'otlp-sender.js');

afterAll(removeTempDirs);

interface Turn {
  source: string | null;
  startUs: number;
  voiceToVoiceMs: number | null;
  sourceVoiceToVoiceMs: number | null;
  stages: { stage: string; ms: number | null }[];
  interruptions: number;
  llmTimeToFirstChunkMs: number | null;
  ttsTimeToFirstByteMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  ttsCharacters: number | null;
  sttAudioSeconds: number | null;
}

async function collect(scenario: string, protocol: 'proto' | 'json' | 'grpc'): Promise<string> {
  const dataDir = makeTempDir('transcriber-framework-turns-');
  const server = await OtlpServer.start({ dataDir, port: 0, grpcPort: protocol === 'grpc' ? 0 : undefined });
  try {
    const endpoint = protocol === 'grpc' ? `http://${server.grpcTarget}` : server.url;
    const child = spawn(process.execPath, [SENDER, endpoint, protocol, scenario], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = await childExit(child);
    if (result.code !== 0) throw new Error(`sender failed (${result.code}): ${result.stderr}`);
    const { reported } = JSON.parse(result.stdout.trim().split('\n').pop()!) as { reported: string[] };
    expect(reported).toEqual([]);
  } finally {
    await server.close();
  }
  return dataDir;
}

function cli(dataDir: string, args: string[]) {
  const result = runCli(['--data-dir', dataDir, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

/** A turn's stages in ms, rounded to the µs (the times travel as nanoseconds). */
const stagesOf = (turn: Turn) =>
  turn.stages.map((s) => [s.stage, s.ms === null ? null : Math.round(s.ms * 1000) / 1000]);

describe.each([
  ['http/protobuf', 'proto'],
  ['gRPC', 'grpc'],
] as const)('Pipecat, over %s', (_transport, protocol) => {
  let dataDir: string;
  let turns: Turn[];
  beforeAll(async () => {
    dataDir = await collect('pipecat-turns', protocol);
    turns = (cli(dataDir, ['turns']).turns as Turn[]).reverse();
  }, 60_000);

  it("gives each of Pipecat's turns one of ours, its stages adding up to Pipecat's own voice-to-voice", () => {
    expect(turns.map((t) => [t.source, t.voiceToVoiceMs, t.sourceVoiceToVoiceMs])).toEqual([
      ['pipecat', 1300, 1300],
      ['pipecat', 1400, 1400],
      ['pipecat', 1100, 1100],
    ]);
    // transcription: the STT's TTFB from the end of speech; agent: the LLM's; tts: the TTS's.
    // Pipecat reports nothing of the turn analyzer's wait or of the audio transport: unexplained.
    expect(turns.map(stagesOf)).toEqual([
      [
        ['endpointing', null],
        ['transcription', 250],
        ['agent', 350],
        ['tts', 120],
        ['playout', null],
        ['unexplained', 580],
      ],
      [
        ['endpointing', null],
        ['transcription', 300],
        ['agent', 400],
        ['tts', 100],
        ['playout', null],
        ['unexplained', 600],
      ],
      [
        ['endpointing', null],
        ['transcription', 200],
        ['agent', 300],
        ['tts', 150],
        ['playout', null],
        ['unexplained', 450],
      ],
    ]);
    // The second was interrupted; the third only cut off by the end of the conversation.
    expect(turns.map((t) => t.interruptions)).toEqual([0, 1, 0]);
    expect(turns.map((t) => [t.llmTimeToFirstChunkMs, t.ttsTimeToFirstByteMs])).toEqual([
      [350, 120],
      [400, 100],
      [300, 150],
    ]);
    expect(turns[0]).toMatchObject({ inputTokens: 212, outputTokens: 9, ttsCharacters: 21, sttAudioSeconds: 1.2 });
  });

  it("stores Pipecat's services as operations and its turn spans once, as our turns", () => {
    const rows = queryRows<{ name: string; component: string | null; n: number }>(
      dataDir,
      'performance_metrics',
      'SELECT name, component, count(*) AS n FROM spans GROUP BY name, component ORDER BY name',
    );
    expect(rows).toEqual([
      { name: 'conversation', component: null, n: 1 },
      { name: 'llm', component: 'llm', n: 3 },
      { name: 'pipeline.turn', component: 'pipeline', n: 3 },
      { name: 'stt', component: 'stt', n: 3 },
      { name: 'tts', component: 'tts', n: 3 },
      { name: 'turn', component: null, n: 3 },
    ]);
    const performance = cli(dataDir, ['performance']);
    expect(performance.turns).toMatchObject({ turns: 3, interruptions: 1, sources: [{ source: 'pipecat', turns: 3 }] });
    expect(performance.turns.breakdown.avgVoiceToVoiceMs).toBeCloseTo(1266.667, 2);
    expect(performance.turns.sourceDifferenceMs).toMatchObject({ count: 3, min: 0, max: 0 });
  });
});

describe('LiveKit Agents for Python, over http/json', () => {
  let dataDir: string;
  let turns: Turn[];
  beforeAll(async () => {
    dataDir = await collect('livekit-python', 'json');
    turns = (cli(dataDir, ['turns']).turns as Turn[]).reverse();
  }, 60_000);

  it('joins each user turn and the agent turns that answered it into one turn, its delays read in seconds', () => {
    expect(turns.map((t) => [t.source, t.voiceToVoiceMs, t.sourceVoiceToVoiceMs])).toEqual([
      ['livekit', 1580, 1583],
      ['livekit', 1050, 1052],
    ]);
    // endpointing: lk.end_of_turn_delay; transcription: what lk.transcription_delay outlasts it by;
    // agent: first llm_node start (the tool round included) → the answer's first token; tts: the
    // TTS request → its first audio (lk.response.ttfb); playout: → agent_speaking. Unexplained:
    // the end of the turn → the first llm_node, the first token → the TTS request.
    expect(turns.map(stagesOf)).toEqual([
      [
        ['endpointing', 520],
        ['transcription', 0],
        ['agent', 790],
        ['tts', 110],
        ['playout', 20],
        ['unexplained', 140],
      ],
      [
        ['endpointing', 500],
        ['transcription', 120],
        ['agent', 250],
        ['tts', 90],
        ['playout', 20],
        ['unexplained', 70],
      ],
    ]);
    expect(turns.map((t) => t.interruptions)).toEqual([0, 1]);
    expect(turns[0]).toMatchObject({
      inputTokens: 360,
      outputTokens: 25,
      ttsCharacters: 36,
      llmTimeToFirstChunkMs: 280,
    });
  });

  it("stores LiveKit's component spans as operations and no pipeline operation but the turns", () => {
    const rows = queryRows<{ name: string; component: string | null }>(
      dataDir,
      'performance_metrics',
      'SELECT DISTINCT name, component FROM spans ORDER BY name',
    );
    expect(rows).toEqual([
      { name: 'agent_session', component: null },
      { name: 'agent_speaking', component: null },
      { name: 'agent_turn', component: null },
      { name: 'eou_detection', component: 'vad' },
      { name: 'function_tool', component: 'tool' },
      { name: 'llm_node', component: 'llm' },
      { name: 'llm_request', component: null },
      { name: 'llm_request_run', component: null },
      { name: 'pipeline.turn', component: 'pipeline' },
      { name: 'tts_node', component: 'tts' },
      { name: 'tts_request', component: null },
      { name: 'tts_request_run', component: null },
      { name: 'user_speaking', component: null },
      { name: 'user_turn', component: null },
    ]);
    const [session] = queryRows<{ trace_id: string; span_id: string }>(
      dataDir,
      'performance_metrics',
      "SELECT trace_id, span_id FROM spans WHERE name = 'agent_session'",
    );
    const turnSpans = queryRows<{ trace_id: string; parent_span_id: string; events: string }>(
      dataDir,
      'performance_metrics',
      "SELECT trace_id, parent_span_id, events FROM spans WHERE name = 'pipeline.turn'",
    );
    for (const turn of turnSpans) {
      expect(turn).toMatchObject({ trace_id: session.trace_id, parent_span_id: session.span_id });
      expect((JSON.parse(turn.events) as { name: string }[]).map((e) => e.name)).toEqual(
        expect.arrayContaining(['user_speech_end', 'first_token', 'first_audio_played']),
      );
    }
  });
});

describe('the Vercel AI SDK, both namings, over http/protobuf', () => {
  let rows: { scope: string; name: string; component: string | null; operation: string | null; attributes: string }[];
  beforeAll(async () => {
    const dataDir = await collect('ai-sdk', 'proto');
    rows = queryRows(
      dataDir,
      'performance_metrics',
      'SELECT scope, name, component, operation, attributes FROM spans ORDER BY scope, start_us, name',
    );
  }, 60_000);

  it('makes its model calls llm operations with time to first chunk in seconds and token usage, in either naming', () => {
    for (const scope of ['gen_ai', 'ai']) {
      const calls = rows.filter((r) => r.scope === scope && r.component === 'llm');
      expect(calls.map((r) => [r.name, r.operation])).toEqual([
        [scope === 'ai' ? 'ai.streamText.doStream' : 'chat gpt-4.1-mini', 'chat'],
        [scope === 'ai' ? 'ai.streamText.doStream' : 'chat gpt-4.1-mini', 'chat'],
      ]);
      const figures = calls.map((r) => JSON.parse(r.attributes) as Record<string, number>);
      // The GenAI naming gives seconds, the legacy one milliseconds: both are seconds here.
      expect(figures.map((f) => f['gen_ai.response.time_to_first_chunk'])).toEqual([0.21, 0.185]);
      expect(figures.map((f) => [f['gen_ai.usage.input_tokens'], f['gen_ai.usage.output_tokens']])).toEqual([
        [120, 18],
        [160, 24],
      ]);
      // Output tokens over the time from the first chunk to the end.
      expect(figures[0]['transcriber.llm.output_tokens_per_second']).toBeCloseTo(18 / (0.59 - 0.21), 6);
      expect(figures[1]['transcriber.llm.output_tokens_per_second']).toBeCloseTo(24 / (0.775 - 0.185), 6);
    }
  });

  it('makes its tool calls tool operations and its whole calls agent operations; its steps none', () => {
    const operations = rows
      .filter((r) => r.component !== 'llm')
      .map((r) => [r.scope, r.name, r.component, r.operation]);
    expect(operations).toEqual([
      ['ai', 'ai.streamText', 'agent', 'invoke_agent'],
      ['ai', 'ai.toolCall', 'tool', 'execute_tool'],
      ['gen_ai', 'invoke_agent gpt-4.1-mini', 'agent', 'invoke_agent'],
      ['gen_ai', 'step 1', null, null],
      ['gen_ai', 'execute_tool get_weather', 'tool', 'execute_tool'],
      ['gen_ai', 'step 2', null, null],
    ]);
  });
});
