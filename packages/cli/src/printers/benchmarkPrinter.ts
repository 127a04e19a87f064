import type { BenchmarkRow, BenchmarkRunView } from '../results/benchmarkRun';
import { count, ms, percent } from '../output/format';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

const BENCH_FILE_EXAMPLE = `  // benchmarks/stt.bench.ts
  import { defineBenchmarks } from '@transcriber/benchmarks';
  import { transcribe } from '../src/stt';

  export default defineBenchmarks({
    component: 'stt', // audio_capture, vad, stt, agent, llm, tool, tts, audio_output or pipeline
    benchmarks: {
      'transcribe 1 s clip': async () => {
        await transcribe(clip);
      },
    },
  });`;

export function printBenchmarkRun(view: BenchmarkRunView, style: Style): string {
  if (view.files.length === 0) return noFilesHelp(view, style);
  const env = view.environment;
  const commit = env.gitCommit === undefined ? '' : ` · commit ${env.gitCommit.slice(0, 10)}`;
  const blocks = [
    style.bold(
      `Benchmarks · ${view.files.length} bench file(s)${view.component === null ? '' : ` · ${view.component}`}`,
    ) +
      style.dim(
        `\nNode ${env.nodeVersion} · ${env.cpuModel} × ${env.cores}${commit} · environment ${view.environmentKey}`,
      ),
  ];
  if (view.results.length > 0) blocks.push(resultsTable(view.results, style));
  else if (view.problems.length === 0) {
    blocks.push(style.yellow(`no bench file of component ${view.component} among ${view.files.join(', ')}`));
  }
  for (const row of view.results) {
    if (
      row.state === 'completed' &&
      (row.componentShares !== undefined || row.componentSharesUnavailable !== undefined)
    ) {
      blocks.push(breakdown(row, style));
    }
  }
  const verdicts = view.results.filter(
    (r) => r.state === 'completed' && (r.regression.verdict === 'regression' || r.regression.verdict === 'improvement'),
  );
  if (verdicts.length > 0) {
    blocks.push(
      [style.bold('Against history')]
        .concat(
          verdicts.map((r) =>
            r.state === 'completed'
              ? `  ${verdictText(r.regression.verdict, style)}  ${r.component} / ${r.name}: ${r.regression.summary}`
              : '',
          ),
        )
        .join('\n'),
    );
  }
  const problems = problemLines(view);
  if (problems.length > 0)
    blocks.push([style.bold(style.red('Problems'))].concat(problems.map((p) => `  ${style.red('✗')} ${p}`)).join('\n'));
  return blocks.join('\n\n');
}

function resultsTable(rows: BenchmarkRow[], style: Style): string {
  return formatTable(
    [
      { header: 'component', value: (r) => r.component },
      { header: 'benchmark', value: (r) => r.name },
      { header: 'iter', align: 'right', value: (r) => String(r.iterations) },
      { header: 'avg ms', align: 'right', value: (r) => ms(r.avgTimeMs) },
      { header: '±95%', align: 'right', value: (r) => ms(r.marginOfErrorMs) },
      { header: 'median', align: 'right', value: (r) => ms(r.medianTimeMs) },
      { header: 'p95', align: 'right', value: (r) => ms(r.p95TimeMs) },
      { header: 'p99', align: 'right', value: (r) => ms(r.p99TimeMs) },
      { header: 'min', align: 'right', value: (r) => ms(r.minTimeMs) },
      { header: 'max', align: 'right', value: (r) => ms(r.maxTimeMs) },
      { header: 'ops/s', align: 'right', value: (r) => rate(r.throughputPerSec) },
      {
        header: 'ok',
        align: 'right',
        value: (r) => (r.successRate < 1 ? style.red(percent(r.successRate)) : percent(r.successRate)),
      },
      { header: 'verdict', value: (r) => verdictCell(r, style) },
    ],
    rows,
    style,
  );
}

function verdictCell(row: BenchmarkRow, style: Style): string {
  if (row.state === 'errored') return style.red('errored');
  if (row.state === 'timed-out') return style.red('timed out');
  const r = row.regression;
  if (r.verdict === 'insufficient-history') return style.dim('first run');
  const effect = `${r.effectPercent >= 0 ? '+' : ''}${r.effectPercent.toFixed(1)}%`;
  return `${verdictText(r.verdict, style)} ${style.dim(`${effect} p=${r.pValue.toPrecision(2)}`)}`;
}

function verdictText(verdict: string, style: Style): string {
  if (verdict === 'regression') return style.red('regression');
  if (verdict === 'improvement') return style.green('improvement');
  if (verdict === 'insufficient-history') return style.dim('no history');
  return 'no change';
}

function breakdown(row: BenchmarkRow, style: Style): string {
  const heading = style.bold(`Where the time goes · ${row.name} (pipeline, from its spans)`);
  if (row.state !== 'completed' || row.componentShares === undefined) {
    return `${heading}\n  ${style.yellow(row.state === 'completed' ? (row.componentSharesUnavailable ?? '') : '')}`;
  }
  const table = formatTable(
    [
      { header: 'component', value: (s) => s.component },
      { header: 'share', align: 'right', value: (s) => `${s.sharePercent.toFixed(1)}%` },
      { header: '', value: (s) => bar(s.sharePercent) },
      { header: 'self ms/iter', align: 'right', value: (s) => ms(s.avgSelfMsPerIteration) },
      { header: 'spans', align: 'right', value: (s) => String(s.spans) },
    ],
    row.componentShares,
    style,
  );
  return `${heading}\n${table}`;
}

/** One block per 4%; a thin mark for a share too small for a block. */
function bar(sharePercent: number): string {
  const blocks = Math.round(sharePercent / 4);
  return blocks > 0 ? '█'.repeat(blocks) : '▏';
}

function problemLines(view: BenchmarkRunView): string[] {
  const lines = view.problems.map(
    (p) => `${p.file}${p.benchmark === undefined ? '' : ` / ${p.benchmark}`}: ${p.message}`,
  );
  for (const r of view.results) {
    if (r.state !== 'completed') lines.push(`${r.component} / ${r.name}: ${r.error}`);
  }
  return lines;
}

function noFilesHelp(view: BenchmarkRunView, style: Style): string {
  return [
    style.bold('No bench files found.'),
    `Looked for ${view.patterns.map((p) => `"${p}"`).join(', ')} in ${view.cwd}`,
    style.dim('(the benchmarkFiles setting: transcriber.config.json or TRANSCRIBER_PERF_BENCHMARK_FILES).'),
    '',
    'Write one, for example:',
    '',
    BENCH_FILE_EXAMPLE,
    '',
    style.dim('Each file names its component; `export const component` and `export const benchmarks` work too.'),
  ].join('\n');
}

function rate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '-';
  return perSec >= 100 ? count(Math.round(perSec)) : perSec.toFixed(1);
}

/** One CSV row per benchmark run. */
export function benchmarkRows(view: BenchmarkRunView): Record<string, string | number | boolean | null>[] {
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  return view.results.map((r) => ({
    file: r.file,
    component: r.component,
    name: r.name,
    state: r.state,
    iterations: r.iterations,
    warmup_iterations: r.warmupIterations,
    total_ms: num(r.totalTimeMs),
    avg_ms: num(r.avgTimeMs),
    min_ms: num(r.minTimeMs),
    max_ms: num(r.maxTimeMs),
    median_ms: num(r.medianTimeMs),
    stddev_ms: num(r.stdDevMs),
    p95_ms: num(r.p95TimeMs),
    p99_ms: num(r.p99TimeMs),
    margin_of_error_ms: num(r.marginOfErrorMs),
    throughput_per_sec: num(r.throughputPerSec),
    success_rate: r.successRate,
    failures: r.failures.map((f) => `${f.errorType}×${f.count}`).join(' ') || null,
    verdict: r.state === 'completed' ? r.regression.verdict : null,
    effect_percent: r.state === 'completed' ? num(r.regression.effectPercent) : null,
    p_value: r.state === 'completed' ? num(r.regression.pValue) : null,
    baseline_median_ms: r.state === 'completed' ? num(r.regression.baselineMedianMs) : null,
    baseline_runs: r.state === 'completed' ? r.regression.baselineRuns : null,
    error: r.state === 'completed' ? null : r.error,
    environment_key: view.environmentKey,
    git_commit: view.environment.gitCommit ?? null,
  }));
}
