/** A seeded generator (an LCG), so every run of a test checks the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The reference percentile of sorted values, by the definition (rank q/100·(n−1), linear between neighbours). */
export function exactPercentile(sorted: readonly number[], q: number): number {
  const rank = (q / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
}
