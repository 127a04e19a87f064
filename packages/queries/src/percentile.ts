/**
 * The q-th percentile (0–100) of values sorted ascending, linearly interpolated between the two
 * nearest ranks (the usual "type 7" definition, as in NumPy and spreadsheets). NaN when empty.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (n === 1) return sorted[0];
  const rank = (Math.min(Math.max(q, 0), 100) / 100) * (n - 1);
  const lower = Math.floor(rank);
  const upper = Math.min(lower + 1, n - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
}
