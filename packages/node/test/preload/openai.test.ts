/**
 * The preload instruments the real `openai` SDK of an unmodified app, CommonJS (`--require`) and
 * ES module (`--import`), against an OpenAI-compatible server on 127.0.0.1: one `stt`, `llm` or
 * `tts` operation per call, with the figures a voice pipeline is judged by, and around the llm
 * operations the GenAI client spans of @opentelemetry/instrumentation-openai.
 */
import * as path from 'node:path';
import {
  SERVER_DELAYS_MS,
  SPEECH_AUDIO_BYTES,
  startOpenAICompatibleServer,
  type OpenAICompatibleServer,
} from './helpers/openaiCompatibleServer';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { runNode, tempProject, type ProcessResult } from '../../../../test/helpers/preloadedProcess';
import { storedSpans, type StoredSpan } from '../../../../test/helpers/storedSpans';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const FIXTURES = path.join(__dirname, 'fixtures');

/** Resolution of stored span times. */
const NANOSECOND_MS = 1e-6;

let server: OpenAICompatibleServer;
beforeAll(async () => {
  server = await startOpenAICompatibleServer();
});
afterAll(() => server.close());

const EXPECTED_OUTPUT = {
  heard: 'turn on the lights',
  verboseDuration: 2.5,
  reply: 'Hello there',
  streamed: 'Hello from a stream',
  audioBytes: SPEECH_AUDIO_BYTES,
};

describe.each([
  ['CommonJS with --require', '--require', 'openai-agent.cjs'],
  ['ES module with --import', '--import', 'openai-agent.mjs'],
])('%s', (_title, flag, entry) => {
  let result: ProcessResult;
  let spans: StoredSpan[];
  beforeAll(async () => {
    const project = tempProject();
    result = await runNode([flag, '@transcriber/node/register', path.join(FIXTURES, entry)], {
      cwd: project.dir,
      env: cleanEnv({ OPENAI_BASE_URL: server.baseURL, TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
    });
    spans = storedSpans(project.dataDir);
  });

  it('leaves the app its output and exit code, and prints nothing of its own', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(EXPECTED_OUTPUT);
  });

  it('records two stt transcribe operations: audio seconds from the WAV upload or the response, and the real-time factor', () => {
    const stt = spans.filter((s) => s.component === 'stt');
    expect(stt.map((s) => s.operation)).toEqual(['transcribe', 'transcribe']);
    const [fromHeader, fromResponse] = stt;
    expect(fromHeader.attributes['transcriber.stt.audio.duration']).toBe(1.5);
    expect(fromResponse.attributes['transcriber.stt.audio.duration']).toBe(2.5);
    for (const span of stt) {
      expect(span.durationMs).toBeGreaterThanOrEqual(SERVER_DELAYS_MS.transcription - 1);
      // Processing time ÷ audio time: the processing took at least the server's delay and at most
      // the span (which also covers recording the operation's figures). Stored times are whole
      // nanoseconds, so the stored duration can be 1 ns below the one the figure was computed from.
      const seconds = span.attributes['transcriber.stt.audio.duration'] as number;
      const realTimeFactor = span.attributes['transcriber.stt.real_time_factor'] as number;
      expect(realTimeFactor).toBeGreaterThanOrEqual((SERVER_DELAYS_MS.transcription - 1) / 1000 / seconds);
      expect(realTimeFactor).toBeLessThanOrEqual((span.durationMs + NANOSECOND_MS) / 1000 / seconds);
      expect(span.attributes).toMatchObject({ 'gen_ai.request.model': 'whisper-1', 'gen_ai.provider.name': 'openai' });
    }
  });

  it('records llm chat operations with the model and token usage, and time to first token when streamed', () => {
    const llm = spans.filter((s) => s.component === 'llm');
    expect(llm.map((s) => s.operation)).toEqual(['chat', 'chat']);
    for (const span of llm) {
      expect(span.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'test-model',
        'gen_ai.response.model': 'test-model-2026',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 3,
      });
    }
    const [plain, streamed] = llm;
    expect(plain.attributes['gen_ai.response.time_to_first_chunk']).toBeUndefined();
    expect(plain.events.map((e) => e.name)).not.toContain('first_token');
    const ttft = streamed.attributes['gen_ai.response.time_to_first_chunk'] as number;
    expect(ttft).toBeGreaterThanOrEqual((SERVER_DELAYS_MS.firstToken - 1) / 1000);
    expect(ttft).toBeLessThanOrEqual((streamed.durationMs + NANOSECOND_MS) / 1000);
    expect(streamed.events.filter((e) => e.name === 'first_token')).toHaveLength(1);
    expect(streamed.attributes['transcriber.llm.output_tokens_per_second']).toBeGreaterThan(0);
  });

  it('wraps each llm operation in one GenAI client span of @opentelemetry/instrumentation-openai', () => {
    const llm = spans.filter((s) => s.component === 'llm');
    const genAi = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-openai');
    expect(genAi.map((s) => s.name)).toEqual(['chat test-model', 'chat test-model']);
    expect(llm.map((s) => s.parentSpanId)).toEqual(genAi.map((s) => s.spanId));
    for (const span of genAi) {
      expect(span.component).toBeNull(); // counted once, as the llm operation
      expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 12, 'gen_ai.usage.output_tokens': 3 });
    }
  });

  it('records a tts synthesize operation up to the first audio byte, with the characters', () => {
    const tts = spans.filter((s) => s.component === 'tts');
    expect(tts.map((s) => s.operation)).toEqual(['synthesize']);
    const [span] = tts;
    expect(span.attributes['transcriber.tts.characters']).toBe(EXPECTED_OUTPUT.streamed.length);
    const ttfb = span.attributes['transcriber.tts.time_to_first_byte'] as number;
    expect(ttfb).toBeGreaterThanOrEqual((SERVER_DELAYS_MS.firstAudioByte - 1) / 1000);
    expect(span.events.map((e) => e.name)).toContain('first_audio_byte');
    expect(span.durationMs / 1000).toBeCloseTo(ttfb, 1);
  });
});
