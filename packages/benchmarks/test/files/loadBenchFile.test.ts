import { BenchFileError, loadBenchFile } from '@transcriber/benchmarks';
import * as path from 'node:path';
import { runChild } from '../../../../test/helpers/children';
import { makeTempDir, removeTempDirs, writeFiles } from '../../../../test/helpers/tempDir';

const CHILDREN = path.join(__dirname, '..', 'children');

afterAll(removeTempDirs);

describe('loadBenchFile', () => {
  const dir = makeTempDir();
  writeFiles(dir, {
    'default.bench.js': `module.exports.default = { component: 'stt', benchmarks: { a: () => 1, b: { fn: () => 2, iterations: 5 } } };`,
    'named.bench.js': `exports.component = 'tts'; exports.benchmarks = { speak() {} }; exports.setup = () => {};`,
    'throws.bench.js': `throw new Error('model file missing');`,
    'empty.bench.js': `module.exports = { component: 'stt', benchmarks: {} };`,
    'nothing.bench.js': `module.exports = { hello: 1 };`,
    'component.bench.js': `module.exports = { component: 'speech', benchmarks: { a() {} } };`,
    'bad-entry.bench.js': `module.exports = { component: 'vad', benchmarks: { a: 42 } };`,
    'bad-setup.bench.js': `module.exports = { component: 'vad', benchmarks: { a() {} }, setup: 'yes' };`,
    'syntax.bench.js': `module.exports = {`,
  });
  const file = (name: string) => path.join(dir, name);

  it('loads a default export, with functions and full definitions, in order', async () => {
    const loaded = await loadBenchFile(file('default.bench.js'));
    expect(loaded.component).toBe('stt');
    expect(loaded.benchmarks.map((b) => [b.name, b.iterations])).toEqual([
      ['a', undefined],
      ['b', 5],
    ]);
    expect(loaded.benchmarks[1].fn()).toBe(2);
  });

  it('loads named exports', async () => {
    const loaded = await loadBenchFile(file('named.bench.js'));
    expect(loaded.component).toBe('tts');
    expect(loaded.benchmarks.map((b) => b.name)).toEqual(['speak']);
    expect(typeof loaded.setup).toBe('function');
  });

  it.each([
    ['throws.bench.js', 'failed to load: Error: model file missing'],
    ['syntax.bench.js', 'failed to load: SyntaxError: Unexpected end of input'],
    ['empty.bench.js', '`benchmarks` must be an object with at least one benchmark'],
    [
      'nothing.bench.js',
      'exports no benchmarks (expected `export default defineBenchmarks({ component, benchmarks })`)',
    ],
    [
      'component.bench.js',
      'unknown component "speech"; expected one of: audio_capture, vad, stt, agent, llm, tool, tts, audio_output, pipeline',
    ],
    ['bad-entry.bench.js', 'benchmark "a" must be a function or an object with a `fn` function'],
    ['bad-setup.bench.js', '`setup` must be a function'],
    ['missing.bench.js', 'failed to load: Error: Cannot find module'],
  ])('reports %s as a BenchFileError naming the file', async (name, message) => {
    const load = loadBenchFile(file(name));
    await expect(load).rejects.toThrow(BenchFileError);
    await expect(load).rejects.toThrow(`${file(name)}: ${message}`);
  });

  it('loads TypeScript (importing TypeScript), .mjs and ESM .js bench files without a build step', async () => {
    const project = makeTempDir();
    writeFiles(project, {
      'benchmarks/lib/audio.ts': `export function frames(seconds: number): number { return seconds * 50; }\n`,
      'benchmarks/stt.bench.ts': `import { defineBenchmarks } from '@transcriber/benchmarks';
import { frames } from './lib/audio';

interface Clip { seconds: number }
const clip: Clip = { seconds: 2 };
export default defineBenchmarks({
  component: 'stt',
  benchmarks: { 'count frames': (): number => frames(clip.seconds) },
});
`,
      'benchmarks/tts.bench.mjs': `export default { component: 'tts', benchmarks: { speak: async () => 'esm' } };\n`,
      'esm/package.json': '{ "type": "module" }',
      'esm/vad.bench.js': `export const component = 'vad';\nexport const benchmarks = { detect: () => 'module js' };\n`,
      'benchmarks/broken.bench.ts': `const x: number = ;\n`,
    });
    const files = [
      'benchmarks/stt.bench.ts',
      'benchmarks/tts.bench.mjs',
      'esm/vad.bench.js',
      'benchmarks/broken.bench.ts',
    ];
    const child = await runChild(
      path.join(CHILDREN, 'loadBenchFiles.ts'),
      files.map((f) => path.join(project, f)),
    );
    expect(child.stderr).toBe('');
    const lines = child.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, 3).map(({ component, names, results }) => ({ component, names, results }))).toEqual([
      { component: 'stt', names: ['count frames'], results: [100] },
      { component: 'tts', names: ['speak'], results: ['esm'] },
      { component: 'vad', names: ['detect'], results: ['module js'] },
    ]);
    expect(lines[3].error).toMatch(/broken\.bench\.ts: failed to load: SyntaxError/);
  });
});
