import { percentileOfSorted } from './percentile';
import type { TurnRecord } from './turnRows';

/** Percentiles of one figure over the turns that have it, ms. */
export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** One stage's distribution over a set of turns. */
export interface StageDistribution extends Percentiles {
  stage: string;
  component: string;
}

/** One bin of a histogram: [fromMs, toMs). */
export interface HistogramBin {
  fromMs: number;
  toMs: number;
  count: number;
}

/**
 * The samples of each figure over a set of turns: voice-to-voice, and every stage the records list
 * (in the order the first record lists them; a stage only later records have is appended). Turns
 * without a figure are left out of that figure only.
 */
export interface TurnSamples {
  voiceToVoiceMs: number[];
  stages: { stage: string; component: string; ms: number[] }[];
}

export function turnSamples(turns: readonly TurnRecord[]): TurnSamples {
  const stages = new Map<string, { stage: string; component: string; ms: number[] }>();
  const voiceToVoiceMs: number[] = [];
  for (const turn of turns) {
    if (turn.voiceToVoiceMs !== null) voiceToVoiceMs.push(turn.voiceToVoiceMs);
    for (const s of turn.stages) {
      let entry = stages.get(s.stage);
      if (entry === undefined) stages.set(s.stage, (entry = { stage: s.stage, component: s.component, ms: [] }));
      if (s.ms !== null) entry.ms.push(s.ms);
    }
  }
  return { voiceToVoiceMs, stages: [...stages.values()] };
}

/** p50/p95/p99 of some values (null when there are none). */
export function percentilesOf(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
  };
}

/** Each stage's percentiles, in the order of turnSamples; stages no turn has a time for are left out. */
export function stageDistributions(samples: TurnSamples): StageDistribution[] {
  const out: StageDistribution[] = [];
  for (const s of samples.stages) {
    const p = percentilesOf(s.ms);
    if (p !== null) out.push({ stage: s.stage, component: s.component, ...p });
  }
  return out;
}

/**
 * A histogram of values in bins of `binMs` from 0 up to the bin holding the largest value, every
 * bin present (empty ones too), so a chart draws them as they come. Empty without values.
 */
export function histogramOf(values: readonly number[], binMs: number): HistogramBin[] {
  if (!(binMs > 0)) throw new RangeError(`binMs must be positive, got ${binMs}`);
  if (values.length === 0) return [];
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const bins: HistogramBin[] = [];
  for (let i = 0; i <= Math.floor(max / binMs); i++) bins.push({ fromMs: i * binMs, toMs: (i + 1) * binMs, count: 0 });
  for (const v of values) bins[Math.floor(Math.max(0, v) / binMs)].count++;
  return bins;
}

/** A bin width giving about `bins` bins up to `maxMs`, rounded to 1, 2 or 5 × a power of ten. */
export function niceBinMs(maxMs: number, bins = 40): number {
  const raw = Math.max(maxMs, 1) / bins;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * power >= raw)!;
  return step * power;
}
