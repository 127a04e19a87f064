import * as path from 'node:path';
import { makeTempDir, removeTempDirs, writeFiles } from '../../../../test/helpers/tempDir';
import { parseOperationMap } from '../../src/instrumentations/operationMap';

const cwd = makeTempDir('transcriber-map-');
writeFiles(cwd, { 'src/stt.js': 'exports.transcribe = () => "";', 'src/agent.mjs': 'export class Agent {}' });
afterAll(removeTempDirs);

function parse(section: unknown) {
  const warnings: string[] = [];
  return { mappings: parseOperationMap(section, cwd, (w) => warnings.push(w)), warnings };
}

describe('parseOperationMap', () => {
  it('resolves project files like require (extension optional) and keeps package names', () => {
    const { mappings, warnings } = parse([
      { module: './src/stt', export: 'transcribe', component: 'stt' },
      { module: './src/agent.mjs', export: 'Agent.reply', component: 'agent', operation: 'answer' },
      { module: 'some-tts', export: 'default', component: 'tts' },
    ]);
    expect(warnings).toEqual([]);
    expect(
      mappings.map(({ resolved, exportPath, component, operation }) => ({
        resolved,
        exportPath,
        component,
        operation,
      })),
    ).toEqual([
      {
        resolved: path.join(cwd, 'src', 'stt.js'),
        exportPath: ['transcribe'],
        component: 'stt',
        operation: 'transcribe',
      },
      {
        resolved: path.join(cwd, 'src', 'agent.mjs'),
        exportPath: ['Agent', 'reply'],
        component: 'agent',
        operation: 'answer',
      },
      { resolved: 'some-tts', exportPath: ['default'], component: 'tts', operation: 'default' },
    ]);
  });

  it('skips each bad entry with one warning naming it, and keeps the others', () => {
    const { mappings, warnings } = parse([
      'stt.js',
      { module: './src/stt.js', export: 'a.b.c', component: 'stt' },
      { module: './src/stt.js', export: 'transcribe', component: 'asr' },
      { module: './src/missing.js', export: 'run', component: 'agent' },
      { module: './src/stt.js', export: 'transcribe', component: 'stt', extra: 1 },
      { module: './src/stt.js', export: 'transcribe', component: 'stt' },
    ]);
    expect(mappings).toHaveLength(1);
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toBe('instrument[0] "stt.js": expected an object; skipping it');
    expect(warnings[1]).toMatch(/^instrument\[1\] .*"export" must be a name, or Class\.method; skipping it$/);
    expect(warnings[2]).toMatch(
      /^instrument\[2\] .*"component" must be one of audio_capture, vad, stt, agent, llm, tool, tts, audio_output, pipeline; skipping it$/,
    );
    expect(warnings[3]).toBe(
      `instrument[3] {"module":"./src/missing.js","export":"run","component":"agent"}: no such file ${path.join(cwd, 'src', 'missing.js')}; skipping it`,
    );
    expect(warnings[4]).toMatch(/^instrument\[4\] .*unknown field extra; skipping it$/);
  });

  it('ignores a section that is not a list, with a warning', () => {
    expect(parse({ module: 'x' })).toEqual({
      mappings: [],
      warnings: [expect.stringMatching(/^"instrument" in the config file must be a list/)],
    });
    expect(parse(undefined)).toEqual({ mappings: [], warnings: [] });
  });
});
