import type { BenchmarkSeries, BenchmarksResponse } from '../../shared/apiTypes';
import { getJson } from '../api';
import { ticks } from '../charts/histogram';
import { colorOf } from '../colors';
import { h, replace, s, table } from '../dom';
import { clock, ms, num } from '../format';
import { missingNote } from './common';
import type { PageFactory } from './page';

/**
 * Benchmarks: each benchmark's runs (median, with the middle half of its samples as a band),
 * runs judged regressions or improvements against their history marked, and a pipeline
 * benchmark's component shares.
 */
export const benchmarksPage: PageFactory = (root) => ({
  databases: ['benchmark_results'],
  async load() {
    const data = await getJson<BenchmarksResponse>('/api/benchmarks', { days: 30 });
    replace(
      root,
      h('h2', {}, 'Benchmarks ', h('small', {}, 'last 30 days, per benchmark and environment')),
      missingNote(data) ?? '',
      data.series.length === 0
        ? h(
            'p',
            { class: 'note', 'data-empty': '' },
            'No benchmark runs: `transcriber benchmark` runs the bench files.',
          )
        : h('div', { class: 'bench-list' }, ...data.series.map(seriesCard)),
    );
  },
});

function seriesCard(series: BenchmarkSeries): HTMLElement {
  const latest = series.runs[series.runs.length - 1];
  const regressions = series.runs.filter((r) => r.verdict === 'regression').length;
  return h(
    'section',
    { class: 'bench', 'data-benchmark': series.name },
    h(
      'h3',
      {},
      `${series.component ?? ''} / ${series.name} `,
      h('small', {}, `${series.runs.length} run(s) · environment ${series.environmentKey?.slice(0, 8) ?? '–'}`),
    ),
    h(
      'p',
      {},
      `latest: median ${ms(latest?.medianMs)} (${latest?.verdict ?? 'no verdict'}) · ${regressions} regression(s) in the window`,
    ),
    historyChart(series),
    series.componentShares.length === 0
      ? ''
      : h(
          'div',
          { class: 'shares' },
          h('h4', {}, 'Where a turn’s time goes (latest run)'),
          shareBar(series.componentShares),
          table(
            ['component', 'share', 'self ms / iteration', 'spans'],
            series.componentShares.map((c) => [
              c.component,
              `${num(c.sharePercent, 1)}%`,
              num(c.avgSelfMsPerIteration),
              String(c.spans),
            ]),
            { numeric: [1, 2, 3] },
          ),
        ),
  );
}

const W = 640;
const H = 170;
const PAD = { left: 48, right: 10, top: 10, bottom: 20 };

/** Median per run as a line, Q1–Q3 as a band, verdicts as coloured dots; runs evenly spaced. */
function historyChart(series: BenchmarkSeries): SVGSVGElement {
  const runs = series.runs.filter((r) => r.medianMs !== null);
  const maxY = Math.max(1e-6, ...runs.map((r) => r.q3Ms ?? r.medianMs ?? 0)) * 1.1;
  const x = (i: number) => PAD.left + (runs.length <= 1 ? 0.5 : i / (runs.length - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'bench-chart', role: 'img' });
  for (const t of ticks(maxY, 4)) {
    svg.append(
      s('line', { class: 'grid-line', x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t) }),
      s('text', { class: 'tick', x: 4, y: y(t) + 4 }, `${num(t)} ms`),
    );
  }
  if (runs.length > 0) {
    const band = runs
      .map((r, i) => `${x(i)},${y(r.q3Ms ?? r.medianMs!)}`)
      .concat(runs.map((r, i) => `${x(i)},${y(r.q1Ms ?? r.medianMs!)}`).reverse());
    svg.append(s('polygon', { class: 'spread', points: band.join(' '), fill: colorOf(series.component) }));
    svg.append(
      s('polyline', {
        class: 'median',
        points: runs.map((r, i) => `${x(i)},${y(r.medianMs!)}`).join(' '),
        stroke: colorOf(series.component),
      }),
    );
  }
  runs.forEach((r, i) => {
    svg.append(
      s(
        'circle',
        {
          class: `run ${r.verdict ?? 'none'}`,
          cx: x(i),
          cy: y(r.medianMs!),
          r: r.verdict === 'regression' || r.verdict === 'improvement' ? 5 : 3,
          'data-verdict': r.verdict ?? '',
        },
        s(
          'title',
          {},
          `${clock(r.timeUs)}: median ${ms(r.medianMs)}, Q1–Q3 ${ms(r.q1Ms)}–${ms(r.q3Ms)}; ${r.verdict ?? 'no verdict'}${r.effectPercent === null ? '' : ` (${num(r.effectPercent, 1)}%)`}${r.gitCommit === null ? '' : ` · ${r.gitCommit.slice(0, 8)}`}`,
        ),
      ),
    );
  });
  return svg;
}

function shareBar(shares: BenchmarkSeries['componentShares']): HTMLElement {
  const total = shares.reduce((sum, c) => sum + c.sharePercent, 0);
  const bar = h('div', { class: 'stagebar shares-bar' });
  for (const c of shares) {
    const seg = h('span', {
      class: 'seg',
      title: `${c.component}: ${num(c.sharePercent, 1)}%`,
      'data-component': c.component,
    });
    seg.style.width = `${(c.sharePercent / Math.max(total, 100)) * 100}%`;
    seg.style.background = colorOf(c.component);
    bar.append(seg);
  }
  return bar;
}
