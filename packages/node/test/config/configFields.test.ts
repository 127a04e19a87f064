import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '@transcriber/node';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('benchmarkFiles (a list of glob patterns)', () => {
  it('defaults to bench files under benchmarks/', () => {
    expect(loadConfig({ cwd: makeTempDir(), env: {} }).config.benchmarkFiles).toEqual([
      'benchmarks/**/*.bench.{ts,js,mjs,cjs}',
    ]);
  });

  it('takes an array from the config file', () => {
    const cwd = makeTempDir();
    fs.writeFileSync(
      path.join(cwd, 'transcriber.config.json'),
      JSON.stringify({ benchmarkFiles: ['perf/*.bench.ts'] }),
    );
    expect(loadConfig({ cwd, env: {} }).config.benchmarkFiles).toEqual(['perf/*.bench.ts']);
  });

  it('splits the environment variable on commas outside braces', () => {
    const { config } = loadConfig({
      cwd: makeTempDir(),
      env: { TRANSCRIBER_PERF_BENCHMARK_FILES: 'a/**/*.bench.{ts,js}, b/x.bench.ts' },
    });
    expect(config.benchmarkFiles).toEqual(['a/**/*.bench.{ts,js}', 'b/x.bench.ts']);
  });

  it.each([[[]], [['ok', '']], [[3]], [{}], [true]])('rejects %j naming the field and the value', (value) => {
    const cwd = makeTempDir();
    fs.writeFileSync(path.join(cwd, 'transcriber.config.json'), JSON.stringify({ benchmarkFiles: value }));
    const load = () => loadConfig({ cwd, env: {} });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`invalid benchmarkFiles ${JSON.stringify(value)}`);
    expect(load).toThrow(/expected a non-empty list of glob patterns/);
  });

  it('rejects an empty list from the environment', () => {
    expect(() => loadConfig({ cwd: makeTempDir(), env: { TRANSCRIBER_PERF_BENCHMARK_FILES: ' , ' } })).toThrow(
      /invalid benchmarkFiles " , " in TRANSCRIBER_PERF_BENCHMARK_FILES/,
    );
  });
});
