/**
 * Issue 14.6: an app's turns, then `transcriber benchmark --component pipeline` in the same data
 * directory (the README's flow). The benchmark's synthetic turns are recorded under their own
 * service and stay out of every view unless asked for with --service.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { expectOneLineError, runCli } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const NODE_PATH = path.resolve(__dirname, '../../../../node_modules');
const BENCHMARK_SERVICE = 'transcriber-benchmark';
const APP_SERVICE = 'my-voice-agent';

describe('--service, and benchmark runs kept apart from the app', () => {
  const cwd = makeTempDir('transcriber-cli-service-');
  const dataDir = path.join(cwd, 'data');
  const json = (args: string[]) => {
    const result = runCli(['--data-dir', dataDir, '--json', ...args], { cwd });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(() => {
    // The app: 4 complete turns and an incomplete one, voice-to-voice 120–150 ms.
    const app = spawnSync(process.execPath, [path.join(__dirname, '..', 'fixtures', 'voiceTurns.js'), '4'], {
      env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: dataDir, OTEL_SERVICE_NAME: APP_SERVICE }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (app.status !== 0) throw new Error(`voiceTurns failed (${app.status}): ${app.stderr}`);
    // The benchmark: 8 synthetic turns of a few ms each, started with the app's OTEL_SERVICE_NAME
    // still set (the benchmark's telemetry is not the app's all the same).
    fs.mkdirSync(path.join(cwd, 'benchmarks'));
    fs.writeFileSync(
      path.join(cwd, 'benchmarks', 'pipeline.bench.js'),
      `const { timeOperation } = require('@transcriber/instrumentation');
module.exports = {
  component: 'pipeline',
  benchmarks: {
    'synthetic turn': () =>
      timeOperation('pipeline', 'turn', (turn) => {
        turn.mark('user_speech_end');
        timeOperation('stt', 'transcribe', (stt) => stt.mark('final_transcript'));
        turn.mark('first_audio_played');
      }),
  },
};
`,
    );
    const bench = runCli(['--data-dir', dataDir, 'benchmark', '--component', 'pipeline', '--iterations', '8'], {
      cwd,
      env: { NODE_PATH, OTEL_SERVICE_NAME: APP_SERVICE },
    });
    if (bench.status !== 0) throw new Error(`benchmark failed (${bench.status}): ${bench.stderr}`);
  }, 60_000);

  it('turns and performance show the app only, by default and with --service <app>', () => {
    for (const extra of [[], ['--service', APP_SERVICE]]) {
      const turns = json(['turns', '--limit', '100', ...extra]);
      expect(turns.turns).toHaveLength(5);
      expect(new Set(turns.turns.map((t: { serviceName: string }) => t.serviceName))).toEqual(new Set([APP_SERVICE]));
      const performance = json(['performance', ...extra]);
      expect(performance.turns.turns).toBe(5);
      // The app's voice-to-voice (≥ 120 ms), not pulled down by the benchmark's few-ms turns.
      expect(performance.turns.voiceToVoiceMs.min).toBeGreaterThanOrEqual(100);
      expect(performance.components.find((c: { component: string }) => c.component === 'stt').count).toBe(5);
    }
  });

  it('shows the benchmark run when asked for by name', () => {
    const turns = json(['turns', '--limit', '100', '--service', BENCHMARK_SERVICE]);
    // Warm-up iterations are turns too: at least the 8 measured ones.
    expect(turns.turns.length).toBeGreaterThanOrEqual(8);
    expect(new Set(turns.turns.map((t: { serviceName: string }) => t.serviceName))).toEqual(
      new Set([BENCHMARK_SERVICE]),
    );
    expect(turns.service).toBe(BENCHMARK_SERVICE);
    const traces = json(['traces', '--limit', '500', '--component', 'stt', '--service', BENCHMARK_SERVICE]);
    expect(traces.operations.length).toBe(turns.turns.length);
    const text = runCli(['--data-dir', dataDir, 'turns', '--service', BENCHMARK_SERVICE], { cwd });
    expect(text.stdout.split('\n')[0]).toContain(`service ${BENCHMARK_SERVICE}`);
  });

  it('traces and optimize take --service too', () => {
    const traces = json(['traces', '--limit', '500', '--component', 'stt']);
    expect(traces.operations).toHaveLength(5);
    const none = json(['traces', '--service', 'nobody']);
    expect(none.operations).toEqual([]);
    const optimize = json(['optimize', '--service', 'nobody']);
    expect(optimize.report.notes).toContain('no component operations recorded in the last 60 minute(s)');
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'optimize', '--apply', 'memory', '--pid', '1', '--service', APP_SERVICE], { cwd }),
      2,
      /--service lists recommendations; it does not go with --apply/,
    );
  });
});
