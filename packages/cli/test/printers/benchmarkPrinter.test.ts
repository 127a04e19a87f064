import type { BenchmarkStatistics, RegressionReport } from '@transcriber/benchmarks';
import { makeStyle, withoutColour } from '../../src/output/style';
import { benchmarkRows, printBenchmarkRun } from '../../src/printers/benchmarkPrinter';
import type { BenchmarkRow, BenchmarkRunView } from '../../src/results/benchmarkRun';
import { T0_US } from '../fixtures/results';

const plain = makeStyle(false);
const NO_FIGURES: BenchmarkStatistics = {
  iterations: 5,
  totalTimeMs: 50,
  avgTimeMs: NaN,
  minTimeMs: NaN,
  maxTimeMs: NaN,
  medianTimeMs: NaN,
  stdDevMs: NaN,
  p95TimeMs: NaN,
  p99TimeMs: NaN,
  marginOfErrorMs: NaN,
  throughputPerSec: NaN,
  successRate: 0,
};
const FIRST_RUN: RegressionReport = {
  verdict: 'insufficient-history',
  summary: 'no earlier run in this environment',
  baselineRuns: 0,
  baselineSamples: 0,
  samples: 20,
  baselineMedianMs: NaN,
  medianMs: 248,
  effectPercent: NaN,
  pValue: NaN,
  u: NaN,
  z: NaN,
  probabilitySlower: NaN,
  minEffectPercent: 10,
  significance: 0.01,
};

function completed(
  component: string,
  name: string,
  figures: Partial<BenchmarkStatistics>,
  regression: Partial<RegressionReport> = {},
  shares: Pick<Extract<BenchmarkRow, { state: 'completed' }>, 'componentShares' | 'componentSharesUnavailable'> = {},
): BenchmarkRow {
  return {
    state: 'completed',
    component,
    name,
    file: `benchmarks/${component}.bench.ts`,
    sampleCount: figures.iterations ?? 0,
    startedAtMs: T0_US / 1000,
    warmupIterations: 2,
    failures: [],
    metadata: {},
    ...NO_FIGURES,
    successRate: 1,
    ...figures,
    regression: { ...FIRST_RUN, ...regression },
    ...shares,
  };
}

function failed(state: 'errored' | 'timed-out', component: string, name: string, error: string): BenchmarkRow {
  const base = {
    component,
    name,
    file: `benchmarks/${component}.bench.ts`,
    sampleCount: 0,
    startedAtMs: T0_US / 1000,
    warmupIterations: 1,
    failures: [{ errorType: 'Error', count: 5, firstMessage: error }],
    metadata: {},
    ...NO_FIGURES,
    error,
  };
  return state === 'errored' ? { ...base, state } : { ...base, state, timeoutMs: 30_000 };
}

const stt = completed(
  'stt',
  'transcribe 1 s clip',
  {
    iterations: 50,
    avgTimeMs: 12.345,
    marginOfErrorMs: 0.4567,
    medianTimeMs: 12.1,
    p95TimeMs: 15.5,
    p99TimeMs: 18.2,
    minTimeMs: 10.01,
    maxTimeMs: 20.5,
    throughputPerSec: 81,
    totalTimeMs: 617.25,
    stdDevMs: 2.1,
  },
  {
    verdict: 'regression',
    summary: 'median 12.1 ms against 10.8 ms over 5 runs',
    effectPercent: 12.34,
    pValue: 0.001234,
    baselineMedianMs: 10.8,
    baselineRuns: 5,
  },
);
const pipeline = completed(
  'pipeline',
  'one turn',
  {
    iterations: 20,
    avgTimeMs: 250.4,
    marginOfErrorMs: 5.5,
    medianTimeMs: 248,
    p95TimeMs: 300,
    p99TimeMs: 320,
    minTimeMs: 200,
    maxTimeMs: 330.2,
    throughputPerSec: 3.99,
    successRate: 0.95,
  },
  {},
  {
    componentShares: [
      { component: 'stt', spans: 20, totalMs: 1600, selfMs: 1500, avgSelfMsPerIteration: 75, sharePercent: 30 },
      { component: 'llm', spans: 20, totalMs: 2600, selfMs: 2508, avgSelfMsPerIteration: 125.4, sharePercent: 50.12 },
      { component: 'vad', spans: 40, totalMs: 24, selfMs: 24, avgSelfMsPerIteration: 1.2, sharePercent: 0.5 },
    ],
  },
);
const tts = failed('errored', 'tts', 'synthesize', 'TTS engine missing');
const vad = completed(
  'vad',
  'detect',
  {
    iterations: 2000,
    avgTimeMs: 0.081,
    marginOfErrorMs: 0.002,
    medianTimeMs: 0.08,
    p95TimeMs: 0.1,
    p99TimeMs: 0.15,
    minTimeMs: 0.05,
    maxTimeMs: 0.2,
    throughputPerSec: 12_345.6,
  },
  { verdict: 'improvement', summary: 'median 0.08 ms against 0.094 ms', effectPercent: -15.04, pValue: 0.0001 },
);

function run(results: BenchmarkRow[], fields: Partial<BenchmarkRunView> = {}): BenchmarkRunView {
  return {
    cwd: '/home/user/agent',
    patterns: ['benchmarks/**/*.bench.{js,ts}'],
    files: [
      'benchmarks/stt.bench.ts',
      'benchmarks/pipeline.bench.ts',
      'benchmarks/tts.bench.ts',
      'benchmarks/vad.bench.ts',
    ],
    component: null,
    environment: {
      nodeVersion: 'v20.19.0',
      platform: 'linux',
      arch: 'x64',
      cpuModel: 'AMD EPYC 7B13',
      cores: 2,
      totalMemoryMb: 7953,
      gitCommit: '0123456789abcdef0123',
    },
    environmentKey: 'a1b2c3d4e5f6',
    results,
    problems: [],
    failOnRegression: false,
    ...fields,
  };
}

const HEADING = [
  'Benchmarks · 4 bench file(s)',
  'Node v20.19.0 · AMD EPYC 7B13 × 2 · commit 0123456789 · environment a1b2c3d4e5f6',
];

describe('printBenchmarkRun', () => {
  it('tables every result (ms rounded by size, "-" for no figure), then the breakdown, verdicts and problems', () => {
    const view = run([stt, pipeline, tts, vad], {
      problems: [
        { file: 'benchmarks/llm.bench.ts', kind: 'load', message: "Cannot find module 'openai'" },
        { file: 'benchmarks/agent.bench.ts', benchmark: 'plan', kind: 'setup', message: 'setup threw: no key' },
      ],
    });
    expect(printBenchmarkRun(view, plain)).toBe(
      [
        ...HEADING,
        '',
        'component  benchmark            iter  avg ms  ±95%  median   p95   p99   min   max   ops/s      ok  verdict',
        'stt        transcribe 1 s clip    50    12.3  0.46    12.1  15.5  18.2  10.0  20.5    81.0  100.0%  regression +12.3% p=0.0012',
        'pipeline   one turn               20     250  5.50     248   300   320   200   330     4.0   95.0%  first run',
        'tts        synthesize              5       -     -       -     -     -     -     -       -    0.0%  errored',
        'vad        detect               2000    0.08  0.00    0.08  0.10  0.15  0.05  0.20  12,346  100.0%  improvement -15.0% p=0.00010',
        '',
        'Where the time goes · one turn (pipeline, from its spans)',
        'component  share                 self ms/iter  spans',
        'stt        30.0%  ████████               75.0     20',
        'llm        50.1%  █████████████           125     20',
        'vad         0.5%  ▏                      1.20     40',
        '',
        'Against history',
        '  regression  stt / transcribe 1 s clip: median 12.1 ms against 10.8 ms over 5 runs',
        '  improvement  vad / detect: median 0.08 ms against 0.094 ms',
        '',
        'Problems',
        "  ✗ benchmarks/llm.bench.ts: Cannot find module 'openai'",
        '  ✗ benchmarks/agent.bench.ts / plan: setup threw: no key',
        '  ✗ tts / synthesize: TTS engine missing',
      ].join('\n'),
    );
  });

  it('says why a pipeline benchmark has no breakdown, and lists a timed-out benchmark as a problem', () => {
    const noSpans = completed(
      'pipeline',
      'one turn',
      { iterations: 3, avgTimeMs: 5 },
      {},
      {
        componentSharesUnavailable: 'no spans were recorded during the run',
      },
    );
    const slow = failed('timed-out', 'llm', 'chat', 'timed out after 30000 ms');
    const text = printBenchmarkRun(run([noSpans, slow]), plain);
    expect(text).toContain(
      '\n\nWhere the time goes · one turn (pipeline, from its spans)\n  no spans were recorded during the run\n\n',
    );
    expect(text).toMatch(/\nllm {8}chat {10}5 +- .* 0\.0% {2}timed out\n/);
    expect(text.endsWith('\n\nProblems\n  ✗ llm / chat: timed out after 30000 ms')).toBe(true);
  });

  it('says when no bench file of the component was among those found', () => {
    const view = run([], { component: 'stt', files: ['benchmarks/vad.bench.ts', 'benchmarks/tts.bench.ts'] });
    expect(printBenchmarkRun(view, plain)).toBe(
      [
        'Benchmarks · 2 bench file(s) · stt',
        HEADING[1],
        '',
        'no bench file of component stt among benchmarks/vad.bench.ts, benchmarks/tts.bench.ts',
      ].join('\n'),
    );
  });

  it('shows where it looked and how to write a bench file when it found none', () => {
    const text = printBenchmarkRun(run([], { files: [] }), plain);
    expect(text).toMatch(
      /^No bench files found\.\nLooked for "benchmarks\/\*\*\/\*\.bench\.\{js,ts\}" in \/home\/user\/agent\n/,
    );
    expect(text).toContain("import { defineBenchmarks } from '@transcriber/benchmarks';");
  });

  it('shows a regression, a success rate under 100% and problems in red', () => {
    const text = printBenchmarkRun(run([stt, pipeline, tts]), makeStyle(true));
    expect(withoutColour(text)).toBe(printBenchmarkRun(run([stt, pipeline, tts]), plain));
    expect(text).toContain('\u001b[31mregression\u001b[39m \u001b[2m+12.3% p=0.0012\u001b[22m');
    expect(text).toContain('\u001b[31m95.0%\u001b[39m');
    expect(text).toContain('\u001b[31m✗\u001b[39m tts / synthesize: TTS engine missing');
  });
});

describe('benchmarkRows', () => {
  it('gives one CSV row per benchmark: figures that are not numbers empty, failures counted by type', () => {
    const rows = benchmarkRows(run([stt, tts]));
    expect(rows[0]).toEqual({
      file: 'benchmarks/stt.bench.ts',
      component: 'stt',
      name: 'transcribe 1 s clip',
      state: 'completed',
      iterations: 50,
      warmup_iterations: 2,
      total_ms: 617.25,
      avg_ms: 12.345,
      min_ms: 10.01,
      max_ms: 20.5,
      median_ms: 12.1,
      stddev_ms: 2.1,
      p95_ms: 15.5,
      p99_ms: 18.2,
      margin_of_error_ms: 0.4567,
      throughput_per_sec: 81,
      success_rate: 1,
      failures: null,
      verdict: 'regression',
      effect_percent: 12.34,
      p_value: 0.001234,
      baseline_median_ms: 10.8,
      baseline_runs: 5,
      error: null,
      environment_key: 'a1b2c3d4e5f6',
      git_commit: '0123456789abcdef0123',
    });
    expect(rows[1]).toMatchObject({
      state: 'errored',
      avg_ms: null,
      throughput_per_sec: null,
      failures: 'Error×5',
      verdict: null,
      effect_percent: null,
      baseline_runs: null,
      error: 'TTS engine missing',
    });
  });
});
