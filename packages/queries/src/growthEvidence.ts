/**
 * The one rule for when a process's resource history is enough to judge memory growth from, used
 * wherever growth is judged (`performance --component memory`, the optimizer's memory check).
 * Growth per minute was once printed from two samples 165 ms apart ("+1.2 GiB/min growing") while
 * the optimizer wanted more samples: a start-up's heap and RSS rise for seconds before they settle,
 * and memory in use after collections needs several collections to show a floor.
 */
export const GROWTH_MIN_SAMPLES = 8;
/** The least time the samples must span, ms: half a minute, for a rate given per minute. */
export const GROWTH_MIN_SPAN_MS = 30_000;

export interface GrowthEvidence {
  samples: number;
  /** From the first sample to the last, ms. */
  spanMs: number;
  /** Whether growth may be judged from these samples. */
  sufficient: boolean;
  /** When not: what there is and what the rule needs, in words. */
  reason?: string;
}

/** Whether `samples` taken from `firstUs` to `lastUs` are enough to judge memory growth from. */
export function growthEvidence(samples: number, firstUs: number, lastUs: number): GrowthEvidence {
  const spanMs = Math.max(0, (lastUs - firstUs) / 1000);
  if (samples >= GROWTH_MIN_SAMPLES && spanMs >= GROWTH_MIN_SPAN_MS) return { samples, spanMs, sufficient: true };
  const span = spanMs >= 1000 ? `${(spanMs / 1000).toFixed(1)} s` : `${Math.round(spanMs)} ms`;
  return {
    samples,
    spanMs,
    sufficient: false,
    reason: `${samples} sample(s) over ${span}; growth is judged from at least ${GROWTH_MIN_SAMPLES} samples over at least ${GROWTH_MIN_SPAN_MS / 1000} s`,
  };
}
