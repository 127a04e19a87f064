import type { BenchmarkTrend, TrendPoint } from '@transcriber/benchmarks';
import { clock } from '../../src/output/format';
import { makeStyle, withoutColour } from '../../src/output/style';
import { benchmarkHistoryRows, printBenchmarkHistory } from '../../src/printers/benchmarkHistoryPrinter';
import type { BenchmarkHistoryView } from '../../src/results/benchmarkHistory';
import { T0_US } from '../fixtures/results';

const plain = makeStyle(false);
const T0_MS = T0_US / 1000;
const DAY_MS = 86_400_000;
const ENV = 'a1b2c3d4e5f6';

/** Completed runs with these medians, a day apart, the last at T0 (avg and p95 derived from the median). */
function points(medians: number[]): TrendPoint[] {
  return medians.map((medianMs, i) => ({
    timeMs: T0_MS - (medians.length - 1 - i) * DAY_MS,
    medianMs,
    avgMs: medianMs * 1.1,
    p95Ms: medianMs * 1.5,
  }));
}

function trend(component: string, name: string, fields: Partial<BenchmarkTrend>): BenchmarkTrend {
  return {
    component,
    name,
    environmentKey: ENV,
    points: [],
    failedRuns: 0,
    changePercent: NaN,
    slopePercentPerRun: NaN,
    direction: 'unknown',
    ...fields,
  };
}

const trends = [
  trend('stt', 'transcribe 1 s clip', {
    points: points([10, 11, 12.5]),
    failedRuns: 1,
    changePercent: 25,
    direction: 'slower',
  }),
  trend('vad', 'detect', { points: points([2, 1.5]), changePercent: -25, direction: 'faster' }),
  trend('tts', 'synthesize', { points: points([100]) }),
  trend('agent', 'plan', { failedRuns: 2 }),
  trend('llm', 'chat', { points: points([100, 103]), changePercent: 3, direction: 'flat' }),
];
const view: BenchmarkHistoryView = { days: 7, component: null, name: null, minEffect: 10, trends };
const lastRun = clock(T0_US).slice(0, 16);
const FOOTER =
  'medians of completed runs; "flat" is a change under 10% (--min-effect). Runs are compared within one environment (Node version, CPU, cores).';

describe('printBenchmarkHistory', () => {
  it('charts each benchmark: runs, medians oldest to latest, first, latest, change and its direction', () => {
    expect(printBenchmarkHistory(view, plain)).toBe(
      [
        'Benchmark history, last 7 day(s)',
        'component  benchmark                   runs  median ms (oldest → latest)  first  latest         change  last run',
        `stt        transcribe 1 s clip  3 +1 failed  ▁▄█                           10.0    12.5  +25.0% slower  ${lastRun}`,
        `vad        detect                         2  █▁                            2.00    1.50  -25.0% faster  ${lastRun}`,
        `tts        synthesize                     1  ▅                              100     100              -  ${lastRun}`,
        'agent      plan                 0 +2 failed  -                                -       -              -  -',
        `llm        chat                           2  ▃▆                             100     103     +3.0% flat  ${lastRun}`,
        '',
        FOOTER,
      ].join('\n'),
    );
  });

  it('adds an environment column when runs come from more than one, and names the scope', () => {
    const scoped: BenchmarkHistoryView = {
      ...view,
      component: 'stt',
      name: 'transcribe 1 s clip',
      trends: [trends[0], { ...trends[0], environmentKey: 'f6e5d4c3b2a1' }],
    };
    const lines = printBenchmarkHistory(scoped, plain).split('\n');
    expect(lines[0]).toBe('Benchmark history, last 7 day(s) · stt · transcribe 1 s clip');
    expect(lines[1]).toMatch(/^component {2}benchmark {12}environment {10}runs {2}/);
    expect(lines[2]).toMatch(/^stt {8}transcribe 1 s clip {2}a1b2c3d4e5f6 {2}3 \+1 failed {2}/);
    expect(lines[3]).toMatch(/^stt {8}transcribe 1 s clip {2}f6e5d4c3b2a1 {2}3 \+1 failed {2}/);
  });

  it('says when no benchmark ran in the window', () => {
    expect(printBenchmarkHistory({ ...view, days: 30, trends: [] }, plain)).toBe(
      'Benchmark history, last 30 day(s)\nno benchmark runs recorded in this window',
    );
  });

  it('shows slower and failed runs in red, faster in green', () => {
    const text = printBenchmarkHistory(view, makeStyle(true));
    expect(withoutColour(text)).toBe(printBenchmarkHistory(view, plain));
    expect(text).toContain('\u001b[31m+25.0% slower\u001b[39m');
    expect(text).toContain('\u001b[31m +1 failed\u001b[39m');
    expect(text).toContain('\u001b[32m-25.0% faster\u001b[39m');
  });
});

describe('benchmarkHistoryRows', () => {
  it('gives one CSV row per completed run, a figure that is not a number as empty', () => {
    const withNaN: BenchmarkHistoryView = {
      ...view,
      trends: [
        trend('vad', 'detect', { points: [{ timeMs: T0_MS, medianMs: 2, avgMs: NaN, p95Ms: 3, gitCommit: 'abc' }] }),
      ],
    };
    expect(benchmarkHistoryRows(withNaN)).toEqual([
      {
        component: 'vad',
        name: 'detect',
        environment_key: ENV,
        time: '2026-01-15T09:30:05.123Z',
        median_ms: 2,
        avg_ms: null,
        p95_ms: 3,
        git_commit: 'abc',
      },
    ]);
    expect(benchmarkHistoryRows(view)).toHaveLength(3 + 2 + 1 + 0 + 2);
    expect(benchmarkHistoryRows(view)[0]).toMatchObject({ median_ms: 10, git_commit: null });
  });
});
