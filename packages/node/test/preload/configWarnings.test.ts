/**
 * A malformed configuration never stops the app or changes its output: one warning on stderr
 * naming the problem, and telemetry carries on with the defaults for what was wrong.
 */
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { runNode, tempProject } from '../../../../test/helpers/preloadedProcess';
import { storedSpans } from '../../../../test/helpers/storedSpans';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const APP = {
  'work.js': `exports.step = function step(n) { return n + 1; };`,
  'app.js': `const { step } = require('./work.js'); console.log('answer', step(41));`,
};
const MAP = { instrument: [{ module: './work.js', export: 'step', component: 'tool' }] };

it.each([
  [
    'a bad value in the config file',
    { 'transcriber.config.json': JSON.stringify({ ...MAP, monitoringInterval: 'often' }) },
    {},
    /^transcriber: invalid monitoringInterval "often" in .*transcriber\.config\.json: expected a positive number; keeping the default \(the app is not affected\)$/,
    true,
  ],
  [
    'a config file that is not JSON',
    { 'transcriber.config.json': '{ "instrument": [' },
    {},
    /^transcriber: config file .*transcriber\.config\.json is not valid JSON: .*; keeping the default \(the app is not affected\)$/,
    false,
  ],
  [
    'an unknown exporter name',
    { 'transcriber.config.json': JSON.stringify(MAP) },
    { OTEL_TRACES_EXPORTER: 'sqlite,jaeger' },
    /^transcriber: OTEL_TRACES_EXPORTER="sqlite,jaeger": ignoring jaeger \(known: sqlite, otlp, console, none\)$/,
    true,
  ],
  [
    'a bad environment value',
    { 'transcriber.config.json': JSON.stringify(MAP) },
    { TRANSCRIBER_PERF_MAX_METRICS_HISTORY: '-5' },
    /^transcriber: invalid maxMetricsHistory "-5" in TRANSCRIBER_PERF_MAX_METRICS_HISTORY: expected a whole number of at least 1; keeping the default/,
    true,
  ],
])('%s: one warning, same output', async (_title, config, env, warning, mapApplies) => {
  const project = tempProject({ ...APP, ...config });
  const result = await runNode(['--require', '@transcriber/node/register', 'app.js'], {
    cwd: project.dir,
    env: cleanEnv({ ...env, TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
  });
  expect(result).toMatchObject({ code: 0, stdout: 'answer 42\n' });
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(warning);
  // The rest of the configuration still applies (the map is lost only with the file itself).
  expect(storedSpans(project.dataDir).filter((s) => s.component === 'tool')).toHaveLength(mapApplies ? 1 : 0);
});

it('OTEL_SDK_DISABLED=true turns the preload off entirely', async () => {
  const project = tempProject({ ...APP, 'transcriber.config.json': JSON.stringify(MAP) });
  const result = await runNode(['--require', '@transcriber/node/register', 'app.js'], {
    cwd: project.dir,
    env: cleanEnv({ OTEL_SDK_DISABLED: 'true', TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
  });
  expect(result).toMatchObject({ code: 0, stdout: 'answer 42\n', stderr: '' });
  expect(storedSpans(project.dataDir)).toEqual([]);
});
