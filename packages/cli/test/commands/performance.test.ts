import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectOneLineError, recordWorkload, runCli } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

// Six turns from an instrumented process (llm fails twice), plus one stt span 90 minutes old (outside the default window of 60), and
// a process that leaks 4 MiB per turn.
let dataDir: string;
beforeAll(() => {
  dataDir = makeTempDir();
  recordWorkload(dataDir, ['--turns', '6', '--old-minutes', '90', '--leak-mb', '4']);
});

interface Summary {
  component: string;
  count: number;
  errors: number;
  errorRate: number;
  avgMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  minMs: number;
  maxMs: number;
}

function json(args: string[]) {
  const result = runCli(['--data-dir', dataDir, '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

describe('transcriber performance', () => {
  it('prints an aligned per-component table and a resources section', () => {
    const result = runCli(['--data-dir', dataDir, 'performance']);
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('component'))!;
    expect(header.split(/\s{2,}/)).toEqual([
      'component',
      'count',
      'errors',
      'error rate',
      'avg ms',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'min ms',
      'max ms',
    ]);
    const rows = lines.slice(lines.indexOf(header) + 1, lines.indexOf(header) + 5);
    expect(rows.map((r) => r.split(/\s+/).slice(0, 4))).toEqual([
      ['llm', '6', '2', '33.3%'],
      ['pipeline', '6', '0', '0.0%'],
      ['stt', '6', '0', '0.0%'],
      ['tts', '6', '0', '0.0%'],
    ]);
    // Right-aligned numbers: every row ends in the same column as the header.
    for (const row of rows) expect(row.length).toBe(header.length);
    expect(result.stdout).toMatch(/\nResources\n\s*pid\s+service\s+cpu/);
    expect(result.stdout).toContain('node:workload.js');
    // Not a TTY: no colour.
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('gives the same figures as JSON, with latencies from the recorded operations', () => {
    const report = json(['performance']);
    const byComponent = Object.fromEntries((report.components as Summary[]).map((c) => [c.component, c]));
    expect(byComponent.llm).toMatchObject({ count: 6, errors: 2, errorRate: 2 / 6, percentiles: 'exact' });
    expect(byComponent.stt.minMs).toBeGreaterThanOrEqual(29);
    expect(byComponent.llm.minMs).toBeGreaterThanOrEqual(59);
    for (const c of report.components as Summary[]) {
      expect(c.minMs).toBeLessThanOrEqual(c.p50Ms);
      expect(c.p50Ms).toBeLessThanOrEqual(c.p95Ms);
      expect(c.p95Ms).toBeLessThanOrEqual(c.p99Ms);
      expect(c.p99Ms).toBeLessThanOrEqual(c.maxMs);
    }
    // pipeline.turn contains the other three.
    expect(byComponent.pipeline.minMs).toBeGreaterThan(byComponent.stt.minMs + byComponent.llm.minMs);
    expect(report.resources).toHaveLength(1);
    expect(report.resources[0].latest.rssBytes).toBeGreaterThan(10 * 2 ** 20);
    expect(report.window.minutes).toBe(60);
  });

  it('--minutes widens the window back to older operations; --component filters', () => {
    const counts = (args: string[]) =>
      Object.fromEntries((json(['performance', ...args]).components as Summary[]).map((c) => [c.component, c.count]));
    expect(counts([]).stt).toBe(6);
    expect(counts(['--minutes', '120']).stt).toBe(7);
    expect(counts(['--minutes', '0.5']).stt).toBe(6);
    expect(counts(['--component', 'tts'])).toEqual({ tts: 6 });
    expect(counts(['--component', 'vad'])).toEqual({});
    expect(runCli(['--data-dir', dataDir, 'performance', '--component', 'vad']).stdout).toContain(
      'no operations recorded in this window',
    );
  });

  it('--component memory shows RSS and heap history, trend and growth per minute', () => {
    const text = runCli(['--data-dir', dataDir, 'performance', '--component', 'memory']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/RSS\s+[\d.]+ MiB → [\d.]+ MiB, peak [\d.]+ MiB, \+[\d.]+ [KMG]iB\/min\s+growing/);
    expect(text.stdout).toMatch(/heap used\s+[\d.]+ MiB → /);
    expect(text.stdout).toMatch(/time\s+rss\s+heap used\s+heap total\s+external\s+samples/);
    const report = json(['performance', '--component', 'memory']);
    expect(report.components).toEqual([]);
    const [process] = report.memory;
    expect(process.samples).toBeGreaterThanOrEqual(3);
    expect(process.history.length).toBeGreaterThanOrEqual(3);
    // 4 MiB kept per turn (Buffers count in RSS, not in the V8 heap).
    expect(process.rssGrowthBytesPerMinute).toBeGreaterThan(0);
    expect(process.rssTrend).toBe('growing');
    expect(process.lastRssBytes - process.firstRssBytes).toBeGreaterThan(8 * 2 ** 20);
  });

  it('--export writes the data shown as JSON or CSV (by extension or --format)', () => {
    const dir = makeTempDir();
    const asJson = path.join(dir, 'metrics.json');
    const asCsv = path.join(dir, 'metrics.csv');
    const forced = path.join(dir, 'metrics.txt');
    expect(runCli(['--data-dir', dataDir, 'performance', '--export', asJson]).status).toBe(0);
    expect(runCli(['--data-dir', dataDir, 'performance', '--export', asCsv]).status).toBe(0);
    expect(runCli(['--data-dir', dataDir, 'performance', '--export', forced, '--format', 'csv']).status).toBe(0);
    const exported = JSON.parse(fs.readFileSync(asJson, 'utf8'));
    expect(exported.components.map((c: Summary) => [c.component, c.count])).toEqual([
      ['llm', 6],
      ['pipeline', 6],
      ['stt', 6],
      ['tts', 6],
    ]);
    const csv = fs.readFileSync(asCsv, 'utf8').trimEnd().split('\r\n');
    expect(csv[0].split(',').slice(0, 11)).toEqual([
      'section',
      'component',
      'count',
      'errors',
      'error_rate',
      'avg_ms',
      'p50_ms',
      'p95_ms',
      'p99_ms',
      'min_ms',
      'max_ms',
    ]);
    expect(csv.filter((l) => l.startsWith('component,')).map((l) => l.split(',').slice(1, 4))).toEqual([
      ['llm', '6', '2'],
      ['pipeline', '6', '0'],
      ['stt', '6', '0'],
      ['tts', '6', '0'],
    ]);
    expect(csv.some((l) => l.startsWith('resources,'))).toBe(true);
    // Same data, so the same CSV: --format wins over the .txt name.
    expect(fs.readFileSync(forced, 'utf8')).toBe(fs.readFileSync(asCsv, 'utf8'));
    // Owner-only, like the databases: the figures name the user's components and timings.
    expect(fs.statSync(asJson).mode & 0o777).toBe(0o600);
  });

  // Checked before the command runs (a usage error, as a long profile's --output): exit 2.
  it('refuses an export path it cannot write, in one line, keeping nothing half-written', () => {
    const dir = makeTempDir();
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'performance', '--export', path.join(dir, 'missing', 'm.json')]),
      2,
      /cannot write export file .*m\.json: its directory does not exist/,
    );
    expectOneLineError(
      runCli(['--data-dir', dataDir, 'performance', '--export', '/dev/null/m.csv']),
      2,
      /cannot write export file \/dev\/null\/m\.csv/,
    );
    expectOneLineError(runCli(['--data-dir', dataDir, 'performance', '--export', dir]), 2, /it is a directory/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
