import { findBenchFiles, globToRegExp } from '@transcriber/benchmarks';
import * as path from 'node:path';
import { makeTempDir, removeTempDirs, writeFiles } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('findBenchFiles', () => {
  const dir = makeTempDir();
  writeFiles(dir, {
    'benchmarks/stt.bench.ts': '',
    'benchmarks/deep/er/tts.bench.js': '',
    'benchmarks/esm.bench.mjs': '',
    'benchmarks/notes.md': '',
    'benchmarks/stt.bench.tsx': '',
    'benchmarks/node_modules/dep/x.bench.js': '',
    'benchmarks/.hidden/y.bench.js': '',
    'src/agent.bench.ts': '',
    'src/agent.ts': '',
  });
  const rel = (files: string[]) => files.map((f) => path.relative(dir, f).split(path.sep).join('/'));

  it('finds files under a folder at any depth, skipping node_modules and hidden folders', () => {
    expect(rel(findBenchFiles(['benchmarks/**/*.bench.{ts,js,mjs,cjs}'], dir))).toEqual([
      'benchmarks/deep/er/tts.bench.js',
      'benchmarks/esm.bench.mjs',
      'benchmarks/stt.bench.ts',
    ]);
  });

  it('combines patterns without duplicates, and takes plain paths', () => {
    expect(rel(findBenchFiles(['**/*.bench.ts', 'src/*.bench.ts', 'benchmarks/notes.md'], dir))).toEqual([
      'benchmarks/notes.md',
      'benchmarks/stt.bench.ts',
      'src/agent.bench.ts',
    ]);
  });

  it('finds nothing (and does not throw) when the folder does not exist', () => {
    expect(findBenchFiles(['missing/**/*.bench.ts', 'missing.bench.ts'], dir)).toEqual([]);
  });

  it('accepts absolute patterns', () => {
    expect(rel(findBenchFiles([path.join(dir, 'src', '*.bench.ts')], '/'))).toEqual(['src/agent.bench.ts']);
  });
});

describe('globToRegExp', () => {
  it.each([
    ['/a/**/*.ts', '/a/x.ts', true],
    ['/a/**/*.ts', '/a/b/c/x.ts', true],
    ['/a/*.ts', '/a/b/x.ts', false],
    ['/a/x.{ts,js}', '/a/x.js', true],
    ['/a/x.{ts,js}', '/a/x.jsx', false],
    ['/a/file?.ts', '/a/file1.ts', true],
    ['/a/file[0-9].ts', '/a/filex.ts', false],
    ['/a/file[!0-9].ts', '/a/filex.ts', true],
    ['/a/x+y.(1).ts', '/a/x+y.(1).ts', true],
    ['/a/**', '/a/b/c', true],
  ])('%s matches %s: %s', (glob, file, expected) => {
    expect(globToRegExp(glob).test(file)).toBe(expected);
  });
});
