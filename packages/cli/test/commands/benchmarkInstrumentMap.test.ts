import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

// The app's own module, mapped in its config file the way the preload reads it: a bench file that
// loads it sees its calls as operations, without any instrumentation code in the app or the bench.
const FILES = {
  'transcriber.config.json': JSON.stringify({
    instrument: [
      { module: './src/recognizer.js', export: 'Recognizer.transcribe', component: 'stt' },
      { module: './src/recognizer.js', export: 'Recognizer.transcribe', component: 'speech' },
    ],
  }),
  'src/recognizer.js': `
    class Recognizer {
      transcribe(samples) {
        const end = performance.now() + 2;
        while (performance.now() < end) {
          // decoding
        }
        return 'heard ' + samples;
      }
    }
    module.exports = { Recognizer };`,
  'benchmarks/pipeline.bench.js': `
    const { Recognizer } = require('../src/recognizer');
    const recognizer = new Recognizer();
    module.exports = { component: 'pipeline', benchmarks: { turn: () => recognizer.transcribe('pcm') } };`,
};

it("instruments the app's modules by the config file's instrument map, reporting a bad entry as a problem", () => {
  const cwd = makeTempDir('transcriber-cli-bench-map-');
  for (const [name, content] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(cwd, name)), { recursive: true });
    fs.writeFileSync(path.join(cwd, name), content);
  }
  const result = runCli(['--data-dir', path.join(cwd, 'data'), '--json', 'benchmark', '--iterations', '5'], { cwd });
  const view = JSON.parse(result.stdout) as {
    problems: { file: string; message: string }[];
    results: { state: string; componentShares: { component: string; spans: number; selfMs: number }[] }[];
  };
  expect(view.results[0].state).toBe('completed');
  const stt = view.results[0].componentShares.find((s) => s.component === 'stt')!;
  expect(stt.spans).toBe(5);
  expect(stt.selfMs / 5).toBeGreaterThanOrEqual(2);
  // The malformed entry is one problem, naming the file and the entry.
  expect(view.problems).toHaveLength(1);
  expect(view.problems[0].file).toBe('transcriber.config.json');
  expect(view.problems[0].message).toMatch(/^instrument\[1\] .*"component":"speech".*"component" must be one of/);
  expect(result.status).toBe(1);
});
