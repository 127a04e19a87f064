import type { CandidateMeasurement } from './measureChunkWorkload';

/** The candidate chosen and why. */
export interface AudioChoice {
  chosen: CandidateMeasurement;
  meetsBudget: boolean;
  /** What candidates were compared by: CPU time for work that computes, wall time for work that waits. */
  costBasis: 'cpu' | 'wall';
  reason: string;
}

/** Costs this close count as a tie (timer and machine noise), broken by lower latency. */
const COST_TIE = 0.03;

/**
 * Picks the settings that best meet the latency budget: among candidates that keep up with real
 * time (mean RTF < 1) and whose latency (chunk duration + p95 processing) fits the budget, the
 * cheapest per second of audio, which leaves the most headroom for everything else. "Cheapest" is
 * the median CPU time ÷ audio duration when the work mostly computes on the event loop (CPU time is
 * what it costs, and is not inflated by other processes on a shared machine), or the median wall
 * time ÷ audio duration when it mostly waits (a remote call, work on another thread). With none in
 * budget: the lowest latency that keeps up. With none keeping up: the lowest real-time factor.
 * Undefined when every candidate errored.
 */
export function chooseAudioSettings(
  measurements: readonly CandidateMeasurement[],
  latencyBudgetMs: number,
): AudioChoice | undefined {
  const completed = measurements.filter((m) => m.state === 'completed' && m.iterations > 0);
  if (completed.length === 0) return undefined;
  const costBasis = computes(completed) ? 'cpu' : 'wall';
  const cost = (m: CandidateMeasurement) => costOf(m, costBasis);
  const keepingUp = completed.filter((m) => m.keepsUp);
  const inBudget = keepingUp.filter((m) => m.latencyP95Ms <= latencyBudgetMs);
  if (inBudget.length > 0) {
    const cheapest = Math.min(...inBudget.map(cost));
    const ties = inBudget.filter((m) => cost(m) <= cheapest * (1 + COST_TIE));
    return {
      chosen: minBy(ties, (m) => m.latencyP95Ms),
      meetsBudget: true,
      costBasis,
      reason: `${inBudget.length} of ${completed.length} candidates keep up and fit the ${latencyBudgetMs} ms budget; this one needs the least ${costBasis === 'cpu' ? 'CPU' : 'processing'} time per second of audio`,
    };
  }
  if (keepingUp.length > 0) {
    return {
      chosen: minBy(keepingUp, (m) => m.latencyP95Ms),
      meetsBudget: false,
      costBasis,
      reason: `no candidate fits the ${latencyBudgetMs} ms budget; this is the lowest latency that keeps up with real time`,
    };
  }
  return {
    chosen: minBy(completed, (m) => m.realTimeFactor),
    meetsBudget: false,
    costBasis,
    reason: 'no candidate keeps up with real time (real-time factor ≥ 1); this one falls behind the least',
  };
}

/**
 * Whether the workload mostly computes: across candidates, the median chunk keeps the event loop
 * busy for at least half its wall time. Judged from the loop, not CPU time, because the process's
 * CPU time includes its other threads (an app's workers, GC, the exporter's writer).
 */
function computes(measurements: readonly CandidateMeasurement[]): boolean {
  const shares = measurements.map((m) => m.eventLoopBusyShareP50).sort((a, b) => a - b);
  return shares[Math.floor(shares.length / 2)] >= 0.5;
}

/** What candidates are compared by: CPU or wall time per second of audio (median). */
export function costOf(measurement: CandidateMeasurement, basis: 'cpu' | 'wall'): number {
  return basis === 'cpu' ? measurement.cpuRealTimeFactorP50 : measurement.realTimeFactorP50;
}

function minBy<T>(items: readonly T[], key: (item: T) => number): T {
  let best = items[0];
  for (const item of items) if (key(item) < key(best)) best = item;
  return best;
}
