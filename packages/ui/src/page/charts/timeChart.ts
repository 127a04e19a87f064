import uPlot from 'uplot';
import { h } from '../dom';

export interface TimeSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Drawn dashed (e.g. a p50 beside its p95). */
  dashed?: boolean;
}

/** Charts that share a key move their cursors together: one time axis across the page. */
const SYNC_KEY = 'transcriber-time';

/**
 * A time-series chart (uPlot) of one or more series over the same times (µs since the epoch),
 * sized to its container's width. Gaps (null) stay gaps. Returns the element and a way to free it.
 */
export function timeChart(
  title: string,
  timesUs: readonly number[],
  series: readonly TimeSeries[],
  options: { unit?: string; format?: (v: number) => string; height?: number } = {},
): { element: HTMLElement; destroy(): void } {
  const element = h('div', { class: 'chart', 'data-chart': title }, h('h3', {}, title));
  const target = h('div', { class: 'chart-body' });
  element.append(target);
  const format = options.format ?? ((v: number) => `${Number(v.toPrecision(4))}${options.unit ?? ''}`);
  const data: uPlot.AlignedData = [Float64Array.from(timesUs, (t) => t / 1e6), ...series.map((x) => x.values)];
  const plot = new uPlot(
    {
      width: 600,
      height: options.height ?? 180,
      cursor: { sync: { key: SYNC_KEY } },
      legend: { live: true },
      scales: { x: { time: true } },
      // The value axis as wide as its longest label (uPlot's fixed default clips "1250 ms").
      axes: [
        {},
        {
          values: (_u, splits) => splits.map((v) => format(v)),
          size: (_u, values) => 14 + 7 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
        },
      ],
      series: [
        {},
        ...series.map((x) => ({
          label: x.label,
          stroke: x.color,
          width: 1.5,
          dash: x.dashed === true ? [4, 3] : undefined,
          spanGaps: false,
          // Per-minute points: marked, so a minute alone between gaps still shows.
          points: { show: true, size: 4 },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)),
        })),
      ],
    },
    data,
    target,
  );
  // Follow the container's width (the page lays charts out in a grid).
  const resize = new ResizeObserver(() => {
    const width = Math.floor(target.clientWidth);
    if (width > 0 && width !== plot.width) plot.setSize({ width, height: plot.height });
  });
  resize.observe(target);
  return {
    element,
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
