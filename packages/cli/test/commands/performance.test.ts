import * as fs from 'node:fs';
import * as path from 'node:path';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_HEAP_USED,
  METRIC_PROCESS_MEMORY_RSS,
} from '@transcriber/instrumentation';
import { SqliteResourceSnapshotExporter } from '@transcriber/storage';
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

  it('--component memory shows RSS and heap history; growth is not judged from a run of under a second', () => {
    const text = runCli(['--data-dir', dataDir, 'performance', '--component', 'memory']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/RSS\s+[\d.]+ MiB → [\d.]+ MiB, peak [\d.]+ MiB\n/);
    expect(text.stdout).toMatch(/heap used\s+[\d.]+ MiB → /);
    expect(text.stdout).toMatch(
      /growth not judged: \d+ sample\(s\) over [\d.]+ m?s; growth is judged from at least 8 samples over at least 30 s/,
    );
    expect(text.stdout).toMatch(/time\s+rss\s+heap used\s+heap total\s+external\s+samples/);
    const report = json(['performance', '--component', 'memory']);
    expect(report.components).toEqual([]);
    const [process] = report.memory;
    expect(process.history.length).toBeGreaterThanOrEqual(3);
    expect(process.growth).toMatchObject({ sufficient: false });
    expect(process).toMatchObject({ rssGrowthBytesPerMinute: null, rssTrend: 'unknown', heapUsedTrend: 'unknown' });
    // The 4 MiB kept per turn are in the history all the same (Buffers count in RSS, not in the V8 heap).
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

// Memory histories written through the storage's own snapshot exporter, at chosen times: one long
// enough to judge, and the two samples 165 ms apart that were once reported as "+1.2 GiB/min growing".
describe('transcriber performance --component memory, judging growth', () => {
  const MiB = 2 ** 20;
  let historyDir: string;
  beforeAll(async () => {
    historyDir = makeTempDir();
    const nowMs = Date.now();
    const write = async (pid: number, samples: { atMs: number; rss: number; heap: number }[]) => {
      const exporter = new SqliteResourceSnapshotExporter(
        { dataDir: historyDir },
        resourceFromAttributes({ 'service.name': `agent-${pid}`, 'process.pid': pid }),
      );
      for (const s of samples) {
        exporter.export(
          {
            [METRIC_PROCESS_MEMORY_RSS]: s.rss,
            [METRIC_PROCESS_HEAP_USED]: s.heap,
            [METRIC_PROCESS_CPU_UTILIZATION]: 0.1,
          },
          s.atMs,
        );
      }
      await exporter.forceFlush();
      await exporter.shutdown();
    };
    // 40 samples over 3 minutes: RSS +4 MiB a sample (a leak), the heap steady.
    await write(
      4242,
      Array.from({ length: 40 }, (_, i) => ({
        atMs: nowMs - 180_000 + i * 4500,
        rss: (100 + 4 * i) * MiB,
        heap: 30 * MiB,
      })),
    );
    await write(4243, [
      { atMs: nowMs - 1000, rss: 100 * MiB, heap: 30 * MiB },
      { atMs: nowMs - 835, rss: 300 * MiB, heap: 30 * MiB },
    ]);
  });

  const memoryOf = (pid: number) => {
    const result = runCli(['--data-dir', historyDir, '--json', 'performance', '--component', 'memory']);
    expect(result.status).toBe(0);
    return (JSON.parse(result.stdout).memory as { pid: number; [key: string]: unknown }[]).find((p) => p.pid === pid)!;
  };

  it('judges growth from enough samples over long enough, per minute', () => {
    const p = memoryOf(4242);
    expect(p.growth).toMatchObject({ samples: 40, sufficient: true });
    expect(p.rssGrowthBytesPerMinute as number).toBeCloseTo((4 * MiB * 60) / 4.5, -3);
    expect(p).toMatchObject({ rssTrend: 'growing', heapUsedTrend: 'stable' });
    const text = runCli(['--data-dir', historyDir, 'performance', '--component', 'memory']).stdout;
    expect(text).toMatch(/pid 4242.*\n\s+RSS\s+100\.0 MiB → 256\.0 MiB, peak 256\.0 MiB, \+53\.3 MiB\/min\s+growing/);
  });

  it('does not judge growth from two samples 165 ms apart, and says why', () => {
    const p = memoryOf(4243);
    expect(p).toMatchObject({
      growth: { samples: 2, sufficient: false },
      rssGrowthBytesPerMinute: null,
      rssTrend: 'unknown',
    });
    const text = runCli(['--data-dir', historyDir, 'performance', '--component', 'memory']).stdout;
    const block = text.slice(text.indexOf('pid 4243'));
    expect(block).not.toMatch(/\/min|growing/);
    expect(block).toContain(
      'growth not judged: 2 sample(s) over 165 ms; growth is judged from at least 8 samples over at least 30 s',
    );
  });
});
