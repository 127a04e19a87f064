import type { BenchmarkTrend } from '@transcriber/benchmarks/history';
import type { BenchmarkHistoryView } from '../results/benchmarkHistory';
import { clock, ms } from '../output/format';
import { sparkline } from '../output/sparkline';
import { formatTable } from '../output/table';
import type { Style } from '../output/style';

export function printBenchmarkHistory(view: BenchmarkHistoryView, style: Style): string {
  const scope = [view.component, view.name].filter((s) => s !== null).join(' · ');
  const heading = style.bold(`Benchmark history, last ${view.days} day(s)${scope === '' ? '' : ` · ${scope}`}`);
  if (view.trends.length === 0) return `${heading}\n${style.dim('no benchmark runs recorded in this window')}`;
  const environments = new Set(view.trends.map((t) => t.environmentKey)).size;
  const table = formatTable(
    [
      { header: 'component', value: (t) => t.component },
      { header: 'benchmark', value: (t) => t.name },
      ...(environments > 1 ? [{ header: 'environment', value: (t: BenchmarkTrend) => t.environmentKey }] : []),
      { header: 'runs', align: 'right', value: (t) => runs(t, style) },
      {
        header: 'median ms (oldest → latest)',
        value: (t) =>
          sparkline(
            t.points.map((p) => p.medianMs),
            { minRelativeRange: view.minEffect / 100 },
          ) || '-',
      },
      { header: 'first', align: 'right', value: (t) => ms(t.points[0]?.medianMs) },
      { header: 'latest', align: 'right', value: (t) => ms(t.points.at(-1)?.medianMs) },
      { header: 'change', align: 'right', value: (t) => change(t, style) },
      {
        header: 'last run',
        value: (t) => (t.points.length === 0 ? '-' : clock(t.points.at(-1)!.timeMs * 1000).slice(0, 16)),
      },
    ],
    view.trends,
    style,
  );
  return `${heading}\n${table}\n\n${style.dim(
    `medians of completed runs; "flat" is a change under ${view.minEffect}% (--min-effect). Runs are compared within one environment (Node version, CPU, cores).`,
  )}`;
}

function runs(trend: BenchmarkTrend, style: Style): string {
  const failed = trend.failedRuns > 0 ? style.red(` +${trend.failedRuns} failed`) : '';
  return `${trend.points.length}${failed}`;
}

function change(trend: BenchmarkTrend, style: Style): string {
  if (trend.direction === 'unknown') return style.dim('-');
  const text = `${trend.changePercent >= 0 ? '+' : ''}${trend.changePercent.toFixed(1)}%`;
  if (trend.direction === 'slower') return style.red(`${text} slower`);
  if (trend.direction === 'faster') return style.green(`${text} faster`);
  return `${text} flat`;
}

/** One CSV row per stored run. */
export function benchmarkHistoryRows(view: BenchmarkHistoryView): Record<string, string | number | boolean | null>[] {
  return view.trends.flatMap((t) =>
    t.points.map((p) => ({
      component: t.component,
      name: t.name,
      environment_key: t.environmentKey,
      time: new Date(p.timeMs).toISOString(),
      median_ms: p.medianMs,
      avg_ms: Number.isFinite(p.avgMs) ? p.avgMs : null,
      p95_ms: Number.isFinite(p.p95Ms) ? p.p95Ms : null,
      git_commit: p.gitCommit ?? null,
    })),
  );
}
