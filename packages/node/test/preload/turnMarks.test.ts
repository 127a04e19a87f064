/**
 * Voice turns from the config file's `instrument` map alone: `marks` put the points of a call on
 * the turn it runs in, `usage` reads figures from the call, `stream` times a streamed result to the
 * end of its iteration, and an entry without a component only marks. The app has no
 * instrumentation code and behaves as without the preload.
 */
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { runNode, tempProject, type ProcessResult } from '../../../../test/helpers/preloadedProcess';
import { storedSpans, type StoredSpan } from '../../../../test/helpers/storedSpans';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const CONFIG = {
  instrument: [
    { module: './agent.js', export: 'Agent.turn', component: 'pipeline', operation: 'turn' },
    { module: './agent.js', export: 'Agent.heard', marks: { end: 'user_speech_end' } },
    {
      module: './agent.js',
      export: 'Agent.listen',
      component: 'vad',
      marks: { start: 'user_speech_start', end: 'end_of_utterance' },
    },
    {
      module: './agent.js',
      export: 'Agent.transcribe',
      component: 'stt',
      marks: { end: 'final_transcript' },
      usage: { 'transcriber.stt.audio.duration': 'args.0.seconds', 'transcriber.ignored': 'args.0.nothing.here' },
    },
    {
      module: './agent.js',
      export: 'Agent.reply',
      component: 'agent',
      stream: true,
      marks: { firstItem: 'first_token' },
    },
    { module: './agent.js', export: 'Agent.lights', component: 'tool' },
    {
      module: './agent.js',
      export: 'Agent.synthesize',
      component: 'tts',
      stream: true,
      marks: { firstItem: 'first_audio_byte' },
      usage: { 'transcriber.tts.characters': 'args.0.length', 'transcriber.tts.audio.duration': 'result.seconds' },
    },
    { module: './agent.js', export: 'Agent.play', marks: { end: 'first_audio_played' } },
    { module: './agent.js', export: 'Agent.play', component: 'speech' },
    { module: './agent.js', export: 'Agent.heard', marks: { firstItem: 'first_token' } },
    { module: './agent.js', export: 'Agent.heard', component: 'vad', usage: { x: 'this.y' } },
    { module: './agent.js', export: 'Agent.heard', marks: { end: 'x' }, usage: { x: 'result.y' } },
  ],
};

// Each stage waits a known time; synthesize returns an object that is async-iterable (not a generator).
const AGENT = `
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
class Speech {
  constructor(text) { this.text = text; this.seconds = 0; }
  async *[Symbol.asyncIterator]() {
    await sleep(30);
    for (const word of this.text.split(' ')) { this.seconds += 0.25; yield Buffer.from(word); await sleep(5); }
  }
}
class Agent {
  heard() { return 'pause'; }
  async listen() { await sleep(20); this.heard(); await sleep(40); return { seconds: 1.5 }; }
  async transcribe(utterance) { await sleep(25); return 'turn on the lights'; }
  async lights() { await sleep(5); return true; }
  async *reply(text) { await sleep(30); await this.lights(); yield 'The lights'; await sleep(20); yield ' are on.'; }
  synthesize(text) { return new Speech(text); }
  async play(chunk) { await sleep(2); return chunk.length; }
  async turn() {
    const utterance = await this.listen();
    const text = await this.transcribe(utterance);
    let answer = '';
    for await (const piece of this.reply(text)) answer += piece;
    let bytes = 0;
    for await (const chunk of this.synthesize(answer)) bytes += await this.play(chunk);
    return { text, answer, bytes };
  }
}
module.exports = { Agent };
`;

const MAIN = `
const { Agent } = require('./agent.js');
(async () => {
  const agent = new Agent();
  const results = [await agent.turn(), await agent.turn()];
  // Outside a turn, a mark-only entry does nothing and the call is as usual.
  results.push(await agent.play(Buffer.from('x')));
  console.log(JSON.stringify(results));
})();
`;

let result: ProcessResult;
let spans: StoredSpan[];
beforeAll(async () => {
  const project = tempProject({
    'transcriber.config.json': JSON.stringify(CONFIG),
    'agent.js': AGENT,
    'main.js': MAIN,
  });
  result = await runNode(['--require', '@transcriber/node/register', 'main.js'], {
    cwd: project.dir,
    env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
  });
  spans = storedSpans(project.dataDir);
});

const turns = () => spans.filter((s) => s.component === 'pipeline');
const children = (turn: StoredSpan) => spans.filter((s) => s.parentSpanId === turn.spanId);

it('runs the app as without the preload', () => {
  expect(result.code).toBe(0);
  const turn = { text: 'turn on the lights', answer: 'The lights are on.', bytes: 15 };
  expect(JSON.parse(result.stdout)).toEqual([turn, turn, 1]);
});

it('warns about each malformed entry, naming the problem, and applies the others', () => {
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(4);
  expect(lines[0]).toMatch(/^transcriber: instrument\[8\] .*"component" must be one of/);
  expect(lines[1]).toMatch(/^transcriber: instrument\[9\] .*"marks.firstItem" needs "stream": true; skipping it$/);
  expect(lines[2]).toMatch(/^transcriber: instrument\[10\] .*"usage.x" must be "args.<n>.<property>…" or "result/);
  expect(lines[3]).toMatch(/^transcriber: instrument\[11\] .*"usage" and "stream" need a "component"/);
});

it('gives every turn its full breakdown from marks made by the mapped calls', () => {
  expect(turns()).toHaveLength(2);
  for (const turn of turns()) {
    expect(turn.events.map((e) => e.name)).toEqual([
      'user_speech_start',
      'user_speech_end',
      'end_of_utterance',
      'final_transcript',
      'first_token',
      'first_audio_byte',
      'first_audio_played', // played once per chunk: kept once
    ]);
    const at = (name: string) => turn.events.find((e) => e.name === name)!.time_us / 1000;
    const seconds = (name: string) => turn.attributes[`transcriber.turn.${name}.duration`] as number;
    // Each stage as long as the app waited (a little more under load), from the event times.
    expect(seconds('endpointing') * 1000).toBeCloseTo(at('end_of_utterance') - at('user_speech_end'), 0);
    expect(seconds('endpointing')).toBeGreaterThanOrEqual(0.039);
    expect(seconds('transcription')).toBeGreaterThanOrEqual(0.024);
    expect(seconds('agent')).toBeGreaterThanOrEqual(0.034);
    expect(seconds('tts')).toBeGreaterThanOrEqual(0.049); // the rest of the reply (20 ms) + 30 ms to the first byte
    const voiceToVoice = turn.attributes['transcriber.turn.voice_to_voice.duration'] as number;
    const stages = ['endpointing', 'transcription', 'agent', 'tts', 'playout'].map(seconds);
    expect(Math.abs(stages.reduce((a, b) => a + b) - voiceToVoice)).toBeLessThan(1e-9);
    expect(voiceToVoice * 1000).toBeCloseTo(at('first_audio_played') - at('user_speech_end'), 0);
    // Usage of the nested operations, summed into the turn.
    expect(turn.attributes['transcriber.stt.audio.duration']).toBe(1.5);
    expect(turn.attributes['transcriber.tts.characters']).toBe('The lights are on.'.length);
    expect(turn.attributes['transcriber.tts.audio.duration']).toBe(1);
  }
});

it('times a streamed result until its iteration ends, with the producer nested under it', () => {
  const turn = turns()[0];
  const byComponent: Record<string, StoredSpan> = Object.fromEntries(children(turn).map((s) => [s.component, s]));
  expect(Object.keys(byComponent).sort()).toEqual(['agent', 'stt', 'tts', 'vad']);
  expect(byComponent.agent.durationMs).toBeGreaterThanOrEqual(54); // 35 + 20 ms of yielding
  expect(byComponent.agent.events.map((e) => e.name)).toEqual(['first_token']);
  // The tool the generator calls while it is iterated is the agent operation's child.
  expect(children(byComponent.agent).map((s) => `${s.component}.${s.operation}`)).toEqual(['tool.lights']);
  const tts = byComponent.tts;
  expect(tts.durationMs).toBeGreaterThanOrEqual(30 + 4 * 5);
  expect(tts.attributes['transcriber.tts.time_to_first_byte']).toBeGreaterThanOrEqual(0.029);
  expect(tts.attributes['transcriber.tts.audio.duration']).toBe(1);
  const stt = byComponent.stt;
  expect(stt.attributes['transcriber.stt.real_time_factor']).toBeCloseTo(stt.durationMs / 1000 / 1.5, 3);
  expect(stt.attributes).not.toHaveProperty('transcriber.ignored');
  // Mark-only entries record no operation of their own.
  expect(spans.filter((s) => s.component !== null).map((s) => s.component)).not.toContain('audio_output');
});
