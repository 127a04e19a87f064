import { s } from '../dom';
import { ms } from '../format';

export interface Bin {
  fromMs: number;
  toMs: number;
  count: number;
}

const W = 640;
const H = 180;
const PAD = { left: 36, right: 8, top: 8, bottom: 24 };

/**
 * A histogram as SVG, with an optional band marked on the x axis (the 500–800 ms voice-to-voice
 * target) and any number of series drawn side by side in each bin (compare: A and B).
 */
export function histogram(
  series: readonly { label: string; bins: readonly Bin[]; color: string }[],
  options: { band?: [number, number]; unit?: string } = {},
): SVGSVGElement {
  const binCount = Math.max(0, ...series.map((x) => x.bins.length));
  const bins = series.find((x) => x.bins.length === binCount)?.bins ?? [];
  const maxX = Math.max(bins.length > 0 ? bins[bins.length - 1].toMs : 1, options.band?.[1] ?? 0);
  const maxY = Math.max(1, ...series.flatMap((x) => x.bins.map((b) => b.count)));
  const x = (v: number) => PAD.left + (v / maxX) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'histogram', role: 'img' });
  if (options.band !== undefined) {
    const [from, to] = options.band;
    svg.append(
      s('rect', {
        class: 'target-band',
        x: x(from),
        y: PAD.top,
        width: Math.max(0, x(Math.min(to, maxX)) - x(from)),
        height: H - PAD.top - PAD.bottom,
      }),
      s('text', { class: 'band-label', x: x(from) + 3, y: PAD.top + 11 }, `target ${from}–${to} ms`),
    );
  }
  const n = Math.max(1, series.length);
  series.forEach((one, k) => {
    for (const bin of one.bins) {
      if (bin.count === 0) continue;
      const left = x(bin.fromMs);
      const width = (x(bin.toMs) - left) / n;
      svg.append(
        s(
          'rect',
          {
            class: 'bin',
            x: left + k * width,
            y: y(bin.count),
            width: Math.max(0.5, width - 0.5),
            height: y(0) - y(bin.count),
            fill: one.color,
          },
          s('title', {}, `${one.label}${one.label === '' ? '' : ': '}${ms(bin.fromMs)}–${ms(bin.toMs)}: ${bin.count}`),
        ),
      );
    }
  });
  svg.append(s('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0) }));
  const xTicks = ticks(maxX, 6);
  xTicks.forEach((tick, i) => {
    // The last label ends at its tick: centred, it would run off the chart.
    const anchor = i === xTicks.length - 1 && x(tick) > W - PAD.right - 20 ? 'end' : 'middle';
    svg.append(
      s('text', { class: 'tick', x: x(tick), y: H - 6, 'text-anchor': anchor }, `${tick}${options.unit ?? ''}`),
    );
  });
  svg.append(s('text', { class: 'tick', x: 4, y: PAD.top + 8 }, String(maxY)));
  return svg;
}

/** Round ticks from 0 to max. */
export function ticks(max: number, count: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((v) => v >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
