import { percentileOfSorted } from '@transcriber/queries';
import type { RegressionReport } from '../types';
import { mannWhitneyU } from './mannWhitney';

/**
 * The defaults: a 10% median change, p < 0.05, and 5 samples a side (fewer and the U test has too
 * little power to say anything).
 */
export const DEFAULT_REGRESSION_THRESHOLDS: Readonly<RegressionThresholds> = Object.freeze({
  minEffect: 0.1,
  significance: 0.05,
  minSamples: 5,
});

export interface RegressionThresholds {
  /** Smallest change of the median that counts, as a fraction (0.10 = 10%). */
  minEffect: number;
  /** p-value below which the difference is taken as real. */
  significance: number;
  /** Fewest samples on each side for a verdict. */
  minSamples: number;
}

/**
 * Compares a run's samples with the pooled samples of earlier runs of the same benchmark in the
 * same environment. A verdict needs both a significant Mann–Whitney U test (the two sets of
 * durations differ) and a median change of at least `minEffect` (the difference matters): on a
 * busy machine tiny shifts are often significant, and large ones in small samples often are not.
 */
export function detectRegression(
  samples: ArrayLike<number>,
  baselineRuns: readonly ArrayLike<number>[],
  thresholds: RegressionThresholds,
): RegressionReport {
  const baseline = concat(baselineRuns);
  const medianMs = median(samples);
  const baselineMedianMs = median(baseline);
  const common = {
    baselineRuns: baselineRuns.length,
    baselineSamples: baseline.length,
    samples: samples.length,
    baselineMedianMs,
    medianMs,
    minEffectPercent: thresholds.minEffect * 100,
    significance: thresholds.significance,
  };
  if (baseline.length < thresholds.minSamples || samples.length < thresholds.minSamples) {
    return {
      ...common,
      verdict: 'insufficient-history',
      summary:
        baselineRuns.length === 0
          ? 'no earlier completed run of this benchmark in this environment'
          : `too few samples to compare (${samples.length} new, ${baseline.length} in history; need ${thresholds.minSamples} each)`,
      effectPercent: NaN,
      pValue: NaN,
      u: NaN,
      z: NaN,
      probabilitySlower: NaN,
    };
  }
  const test = mannWhitneyU(samples, baseline);
  const effectPercent = ((medianMs - baselineMedianMs) / baselineMedianMs) * 100;
  const significant = test.pValue < thresholds.significance;
  const large = Math.abs(effectPercent) >= common.minEffectPercent;
  const verdict = significant && large ? (effectPercent > 0 ? 'regression' : 'improvement') : 'no-change';
  const change = `median ${fmt(medianMs)} ms vs ${fmt(baselineMedianMs)} ms (${effectPercent >= 0 ? '+' : ''}${effectPercent.toFixed(1)}%)`;
  const why =
    verdict !== 'no-change'
      ? `p = ${test.pValue.toExponential(2)} < ${thresholds.significance}`
      : !significant
        ? `not significant: p = ${test.pValue.toPrecision(2)} ≥ ${thresholds.significance}`
        : `below the ${common.minEffectPercent}% minimum effect`;
  return {
    ...common,
    verdict,
    summary: `${change} over ${baselineRuns.length} earlier run(s); ${why}`,
    effectPercent,
    pValue: test.pValue,
    u: test.u,
    z: test.z,
    probabilitySlower: test.probabilityGreater,
  };
}

function concat(runs: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(runs.reduce((n, r) => n + r.length, 0));
  let offset = 0;
  for (const run of runs) {
    out.set(run, offset);
    offset += run.length;
  }
  return out;
}

function median(values: ArrayLike<number>): number {
  return percentileOfSorted(Float64Array.from(values).sort(), 50);
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(2) : ms.toPrecision(3);
}
