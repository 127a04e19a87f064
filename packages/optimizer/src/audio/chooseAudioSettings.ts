import type { CandidateMeasurement } from './measureChunkWorkload';

/** The candidate chosen and why. */
export interface AudioChoice {
  chosen: CandidateMeasurement;
  meetsBudget: boolean;
  reason: string;
}

/** Real-time factors this close count as a tie (timer and machine noise), broken by lower latency. */
const RTF_TIE = 0.03;

/**
 * Picks the settings that best meet the latency budget: among candidates that keep up with real
 * time (RTF < 1) and whose latency (chunk duration + p95 processing) fits the budget, the one with
 * the lowest real-time factor — the least CPU per second of audio, so the most headroom for
 * everything else. With none in budget: the lowest latency that keeps up. With none keeping up:
 * the lowest real-time factor. Undefined when every candidate errored.
 */
export function chooseAudioSettings(
  measurements: readonly CandidateMeasurement[],
  latencyBudgetMs: number,
): AudioChoice | undefined {
  const completed = measurements.filter((m) => m.state === 'completed' && m.iterations > 0);
  if (completed.length === 0) return undefined;
  const keepingUp = completed.filter((m) => m.keepsUp);
  const inBudget = keepingUp.filter((m) => m.latencyP95Ms <= latencyBudgetMs);
  if (inBudget.length > 0) {
    const cheapest = Math.min(...inBudget.map((m) => m.realTimeFactor));
    const ties = inBudget.filter((m) => m.realTimeFactor <= cheapest * (1 + RTF_TIE));
    const chosen = minBy(ties, (m) => m.latencyP95Ms);
    return {
      chosen,
      meetsBudget: true,
      reason: `${inBudget.length} of ${completed.length} candidates keep up and fit the ${latencyBudgetMs} ms budget; this one needs the least processing per second of audio`,
    };
  }
  if (keepingUp.length > 0) {
    return {
      chosen: minBy(keepingUp, (m) => m.latencyP95Ms),
      meetsBudget: false,
      reason: `no candidate fits the ${latencyBudgetMs} ms budget; this is the lowest latency that keeps up with real time`,
    };
  }
  return {
    chosen: minBy(completed, (m) => m.realTimeFactor),
    meetsBudget: false,
    reason: 'no candidate keeps up with real time (real-time factor ≥ 1); this one falls behind the least',
  };
}

function minBy<T>(items: readonly T[], key: (item: T) => number): T {
  let best = items[0];
  for (const item of items) if (key(item) < key(best)) best = item;
  return best;
}
