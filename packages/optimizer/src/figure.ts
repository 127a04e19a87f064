/**
 * Where a figure comes from. The documented Python optimizer printed fixed percentages; ours says
 * for every figure how it was obtained:
 * - `measured`: timed or read by this run, or recorded by the SDK (span durations, resource samples);
 * - `derived`: computed from measured figures (a difference, a rate, an extrapolation);
 * - `heuristic`: a rule of thumb, stated with its reason;
 * - `configured`: a budget or threshold, given by the caller or a documented default.
 */
export type Basis = 'measured' | 'derived' | 'heuristic' | 'configured';

/** A number with its unit and its basis. */
export interface Figure {
  value: number;
  unit: string;
  basis: Basis;
}

export function figure(value: number, unit: string, basis: Basis): Figure {
  return { value: round(value), unit, basis };
}

/** Rounds to 3 decimals: enough for ms and MB, and keeps logs readable. */
export function round(value: number, decimals = 3): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** `-38%`-style relative change from `before` to `after`. */
export function percentChange(before: number, after: number): string {
  if (before === 0) return after === 0 ? '0%' : 'n/a';
  const pct = ((after - before) / before) * 100;
  return `${pct > 0 ? '+' : ''}${pct.toFixed(Math.abs(pct) < 10 ? 1 : 0)}%`;
}
