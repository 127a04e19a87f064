/**
 * The config file's `instrument` map: functions and class methods of the app's own modules become
 * component operations when loaded, through `require` (CommonJS) and `import` (ES modules), without
 * changing what they return or throw. A bad entry is one warning; the others still apply.
 */
import * as path from 'node:path';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { runNode, tempProject, type ProcessResult } from '../../../../test/helpers/preloadedProcess';
import { storedSpans, type StoredSpan } from '../../../../test/helpers/storedSpans';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const CONFIG = {
  instrument: [
    { module: './pipeline/stt.js', export: 'transcribe', component: 'stt' },
    { module: './pipeline/agent.js', export: 'Agent.reply', component: 'agent', operation: 'reply' },
    { module: './pipeline/vad.js', export: 'default', component: 'vad', operation: 'detect' },
    { module: './pipeline/tts.mjs', export: 'synthesize', component: 'tts' },
    { module: './pipeline/tools.mjs', export: 'Lights.toggle', component: 'tool' },
    { module: './pipeline/stt.js', export: 'transcribe', component: 'speech' },
  ],
};

const FILES = {
  'transcriber.config.json': JSON.stringify(CONFIG),
  'pipeline/stt.js': `
    exports.transcribe = function transcribe(pcm) {
      if (pcm === 'garbled') throw new RangeError('cannot decode');
      return 'text:' + pcm;
    };`,
  'pipeline/agent.js': `
    class Agent {
      constructor(name) { this.name = name; }
      async reply(text) { await new Promise((r) => setTimeout(r, 20)); return this.name + ' heard ' + text; }
    }
    module.exports = { Agent };`,
  'pipeline/vad.js': `module.exports = function detect(frame) { return frame.length > 3; };`,
  'pipeline/tts.mjs': `export async function synthesize(text) { return Buffer.from(text).length; }`,
  'pipeline/tools.mjs': `
    export class Lights {
      static state = false;
      static toggle() { Lights.state = !Lights.state; return Lights.state; }
    }`,
  'main.js': `
    const { transcribe } = require('./pipeline/stt.js');
    const { Agent } = require('./pipeline/agent.js');
    const detect = require('./pipeline/vad.js');
    async function main() {
      const out = {};
      out.voiced = detect('frame');
      const text = transcribe('pcm');
      out.syncStaysSync = typeof text === 'string';
      try { transcribe('garbled'); } catch (err) { out.error = err.constructor.name + ': ' + err.message; }
      out.reply = await new Agent('bot').reply(text);
      const { synthesize } = await import('./pipeline/tts.mjs');
      out.audio = await synthesize(out.reply);
      console.log(JSON.stringify(out));
    }
    main();`,
  'main.mjs': `
    import { transcribe } from './pipeline/stt.js';
    import agent from './pipeline/agent.js';
    import detect from './pipeline/vad.js';
    import { synthesize } from './pipeline/tts.mjs';
    import { Lights } from './pipeline/tools.mjs';
    const out = {};
    out.voiced = detect('frame');
    const text = transcribe('pcm');
    out.syncStaysSync = typeof text === 'string';
    try { transcribe('garbled'); } catch (err) { out.error = err.constructor.name + ': ' + err.message; }
    out.reply = await new agent.Agent('bot').reply(text);
    out.audio = await synthesize(out.reply);
    out.lights = Lights.toggle();
    console.log(JSON.stringify(out));`,
};

const operationsOf = (spans: StoredSpan[]) =>
  spans.filter((s) => s.component !== null).map((s) => `${s.component}.${s.operation}${s.statusCode === 2 ? '!' : ''}`);

describe.each([
  [
    'CommonJS (--require)',
    '--require',
    'main.js',
    // tts.mjs is imported from CommonJS: ES modules are hooked only when the entry point is one.
    ['vad.detect', 'stt.transcribe', 'stt.transcribe!', 'agent.reply'],
    { voiced: true, syncStaysSync: true, error: 'RangeError: cannot decode', reply: 'bot heard text:pcm', audio: 18 },
  ],
  [
    'ES module (--import)',
    '--import',
    'main.mjs',
    ['vad.detect', 'stt.transcribe', 'stt.transcribe!', 'agent.reply', 'tts.synthesize', 'tool.toggle'],
    {
      voiced: true,
      syncStaysSync: true,
      error: 'RangeError: cannot decode',
      reply: 'bot heard text:pcm',
      audio: 18,
      lights: true,
    },
  ],
])('%s', (_title, flag, main, expectedOperations, expectedOutput) => {
  let result: ProcessResult;
  let spans: StoredSpan[];
  beforeAll(async () => {
    const project = tempProject(FILES);
    result = await runNode([flag, '@transcriber/node/register', main], {
      cwd: project.dir,
      env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
    });
    spans = storedSpans(project.dataDir);
  });

  it('runs the app as without the preload', () => {
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expectedOutput);
  });

  it('warns once about the bad entry, naming it', () => {
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^transcriber: instrument\[5\] .*"component":"speech".*"component" must be one of .*; skipping it$/,
    );
  });

  it('records each mapped call as an operation, failures with their error type', () => {
    expect(operationsOf(spans)).toEqual(expectedOperations);
    const failed = spans.find((s) => s.statusCode === 2)!;
    expect(failed.attributes['error.type']).toBe('RangeError');
    const reply = spans.find((s) => s.operation === 'reply')!;
    expect(reply.durationMs).toBeGreaterThanOrEqual(19); // the async method is timed to its end
  });
});

it('names a mapped file that does not exist', async () => {
  const project = tempProject({
    'transcriber.config.json': JSON.stringify({
      instrument: [{ module: './nope.js', export: 'run', component: 'agent' }],
    }),
    'main.js': 'console.log("ok")',
  });
  const result = await runNode(['--require', '@transcriber/node/register', 'main.js'], {
    cwd: project.dir,
    env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
  });
  expect(result.stdout).toBe('ok\n');
  expect(result.code).toBe(0);
  expect(result.stderr.trim()).toBe(
    `transcriber: instrument[0] {"module":"./nope.js","export":"run","component":"agent"}: no such file ${path.join(
      project.dir,
      'nope.js',
    )}; skipping it`,
  );
});
