import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, DEFAULT_CONFIG, envNameOf, loadConfig } from '@transcriber/node';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

function writeConfig(dir: string, value: unknown): string {
  const file = path.join(dir, 'transcriber.config.json');
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

afterAll(removeTempDirs);

describe('loadConfig', () => {
  it('returns the documented defaults, with dataDir resolved against cwd', () => {
    const cwd = makeTempDir();
    const { config, configFile } = loadConfig({ cwd, env: {} });
    expect(configFile).toBeUndefined();
    expect(config).toEqual({ ...DEFAULT_CONFIG, dataDir: path.join(cwd, 'data') });
    expect(config).toMatchObject({
      enableMonitoring: true,
      monitoringInterval: 1.0,
      maxMetricsHistory: 10000,
      enableProfiling: false,
      enableMemoryProfiling: false,
      profilingSampleRate: 0.1,
      defaultBenchmarkIterations: 100,
      benchmarkTimeout: 300,
      enableAutoOptimization: false,
      optimizationInterval: 3600,
    });
  });

  it('applies defaults < config file < code overrides < environment', () => {
    const cwd = makeTempDir();
    writeConfig(cwd, { monitoringInterval: 2, maxMetricsHistory: 50, profilingSampleRate: 0.5, dataDir: 'from-file' });
    const { config, configFile } = loadConfig({
      cwd,
      env: { TRANSCRIBER_PERF_PROFILING_SAMPLE_RATE: '0.25', TRANSCRIBER_PERF_ENABLE_PROFILING: 'yes' },
      overrides: { maxMetricsHistory: 60, profilingSampleRate: 0.75 },
    });
    expect(configFile).toBe(path.join(cwd, 'transcriber.config.json'));
    expect(config.monitoringInterval).toBe(2); // file
    expect(config.maxMetricsHistory).toBe(60); // code beats file
    expect(config.profilingSampleRate).toBe(0.25); // env beats code
    expect(config.enableProfiling).toBe(true);
    expect(config.dataDir).toBe(path.join(cwd, 'from-file'));
  });

  it('reads the file named by TRANSCRIBER_PERF_CONFIG and keeps other sections', () => {
    const cwd = makeTempDir();
    const file = path.join(cwd, 'custom.json');
    fs.writeFileSync(file, JSON.stringify({ retentionDays: 3, instrument: [{ module: './x' }] }));
    const loaded = loadConfig({ cwd, env: { TRANSCRIBER_PERF_CONFIG: 'custom.json' } });
    expect(loaded.config.retentionDays).toBe(3);
    expect(loaded.sections.instrument).toEqual([{ module: './x' }]);
  });

  it('takes OTEL_METRIC_EXPORT_INTERVAL in milliseconds', () => {
    expect(
      loadConfig({ cwd: makeTempDir(), env: { OTEL_METRIC_EXPORT_INTERVAL: '2500' } }).config.metricExportInterval,
    ).toBe(2.5);
    expect(() => loadConfig({ cwd: makeTempDir(), env: { OTEL_METRIC_EXPORT_INTERVAL: 'soon' } })).toThrow(
      /OTEL_METRIC_EXPORT_INTERVAL "soon"/,
    );
  });

  it.each([
    [
      'TRANSCRIBER_PERF_MONITORING_INTERVAL',
      '-1',
      /invalid monitoringInterval "-1" in TRANSCRIBER_PERF_MONITORING_INTERVAL: expected a positive number/,
    ],
    ['TRANSCRIBER_PERF_MONITORING_INTERVAL', 'fast', /invalid monitoringInterval "fast"/],
    ['TRANSCRIBER_PERF_MAX_METRICS_HISTORY', '2.5', /invalid maxMetricsHistory "2.5".*whole number/],
    ['TRANSCRIBER_PERF_PROFILING_SAMPLE_RATE', '1.5', /invalid profilingSampleRate "1.5".*from 0 to 1/],
    ['TRANSCRIBER_PERF_ENABLE_MONITORING', 'maybe', /invalid enableMonitoring "maybe".*true or false/],
    ['TRANSCRIBER_PERF_DEFAULT_BENCHMARK_ITERATIONS', '0', /invalid defaultBenchmarkIterations "0"/],
    ['TRANSCRIBER_PERF_BENCHMARK_TIMEOUT', 'Infinity', /invalid benchmarkTimeout "Infinity"/],
  ])('rejects %s=%s naming the field and value', (name, value, message) => {
    expect(() => loadConfig({ cwd: makeTempDir(), env: { [name]: value } })).toThrow(ConfigError);
    expect(() => loadConfig({ cwd: makeTempDir(), env: { [name]: value } })).toThrow(message);
  });

  it('rejects bad values, unknown fields and malformed JSON in the file, naming the file', () => {
    const cwd = makeTempDir();
    const file = writeConfig(cwd, { optimizationInterval: 'hourly' });
    expect(() => loadConfig({ cwd, env: {} })).toThrow(`invalid optimizationInterval "hourly" in ${file}`);
    writeConfig(cwd, { monitoringIntervall: 1 });
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/unknown field "monitoringIntervall"/);
    writeConfig(cwd, '{ "enableProfiling": tru }');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/is not valid JSON/);
    writeConfig(cwd, '[1, 2]');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/must hold a JSON object/);
  });

  it('rejects a config file named explicitly that does not exist, and bad code overrides', () => {
    expect(() => loadConfig({ cwd: makeTempDir(), env: { TRANSCRIBER_PERF_CONFIG: 'nope.json' } })).toThrow(
      /does not exist/,
    );
    expect(() => loadConfig({ cwd: makeTempDir(), env: {}, overrides: { monitoringInterval: 0 } })).toThrow(
      /invalid monitoringInterval 0 in options/,
    );
  });

  it('derives environment names from field names', () => {
    expect(envNameOf('dataDir')).toBe('TRANSCRIBER_PERF_DATA_DIR');
    expect(envNameOf('enableMemoryProfiling')).toBe('TRANSCRIBER_PERF_ENABLE_MEMORY_PROFILING');
  });
});
