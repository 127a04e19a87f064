import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '@transcriber/node';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('loadConfig with onError (the preload never stops on a bad configuration)', () => {
  it('reports each bad value and keeps the lower-precedence value for it', () => {
    const cwd = makeTempDir();
    fs.writeFileSync(
      path.join(cwd, 'transcriber.config.json'),
      JSON.stringify({ monitoringInterval: -1, maxMetricsHistory: 50, typoField: 1, instrument: [] }),
    );
    const errors: ConfigError[] = [];
    const { config, sections } = loadConfig({
      cwd,
      env: { TRANSCRIBER_PERF_PROFILING_SAMPLE_RATE: '2', OTEL_METRIC_EXPORT_INTERVAL: 'soon' },
      onError: (err) => errors.push(err),
    });
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^invalid monitoringInterval -1 in .*transcriber\.config\.json/),
      expect.stringMatching(/^unknown field "typoField"/),
      expect.stringMatching(/^invalid profilingSampleRate "2" in TRANSCRIBER_PERF_PROFILING_SAMPLE_RATE/),
      expect.stringMatching(/^invalid OTEL_METRIC_EXPORT_INTERVAL "soon"/),
    ]);
    expect(errors.every((e) => e instanceof ConfigError)).toBe(true);
    expect(config.monitoringInterval).toBe(DEFAULT_CONFIG.monitoringInterval);
    expect(config.maxMetricsHistory).toBe(50);
    expect(config.profilingSampleRate).toBe(DEFAULT_CONFIG.profilingSampleRate);
    expect(config.metricExportInterval).toBe(DEFAULT_CONFIG.metricExportInterval);
    expect(sections).toEqual({ instrument: [] });
  });

  it('skips a config file that is not JSON and still reads the environment', () => {
    const cwd = makeTempDir();
    fs.writeFileSync(path.join(cwd, 'transcriber.config.json'), '{ "maxMetricsHistory": 5,');
    const errors: ConfigError[] = [];
    const { config } = loadConfig({
      cwd,
      env: { TRANSCRIBER_PERF_MAX_METRICS_HISTORY: '7' },
      onError: (err) => errors.push(err),
    });
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/is not valid JSON/);
    expect(config.maxMetricsHistory).toBe(7);
  });

  it('reports a missing explicit config file instead of throwing', () => {
    const cwd = makeTempDir();
    const errors: ConfigError[] = [];
    const { config } = loadConfig({
      cwd,
      env: { TRANSCRIBER_PERF_CONFIG: 'nope.json' },
      onError: (e) => errors.push(e),
    });
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/nope\.json does not exist/)]);
    expect(config.maxMetricsHistory).toBe(DEFAULT_CONFIG.maxMetricsHistory);
  });

  it('still throws without onError', () => {
    const cwd = makeTempDir();
    expect(() => loadConfig({ cwd, env: { TRANSCRIBER_PERF_MONITORING_INTERVAL: 'x' } })).toThrow(ConfigError);
  });
});
