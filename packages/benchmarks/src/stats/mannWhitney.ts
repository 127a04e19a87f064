/** Result of a two-sided Mann–Whitney U test of `a` against `b`. */
export interface MannWhitneyResult {
  /** U of `a`: pairs (x from a, y from b) with x > y, ties counting one half. */
  u: number;
  /** Standardised U (normal approximation with tie and continuity corrections). */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
  /** U ÷ (n₁·n₂): probability that a value from `a` exceeds one from `b`. */
  probabilityGreater: number;
}

/**
 * Mann–Whitney U test (Wilcoxon rank-sum) with the normal approximation, corrected for ties and
 * for continuity. Distribution-free, so outliers from a busy machine shift it far less than they
 * shift a t-test on means. Ranks come from merging the two sorted samples: O(n log n).
 */
export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): MannWhitneyResult {
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  const n1 = sa.length;
  const n2 = sb.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, z: NaN, pValue: NaN, probabilityGreater: NaN };
  const n = n1 + n2;
  let i = 0;
  let j = 0;
  let rank = 0; // ranks given so far
  let rankSumA = 0;
  let tieTerm = 0; // Σ (t³ − t) over groups of tied values
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && sa[i] <= sb[j]) ? sa[i] : sb[j];
    let countA = 0;
    let countB = 0;
    for (; i < n1 && sa[i] === value; i++) countA++;
    for (; j < n2 && sb[j] === value; j++) countB++;
    const tied = countA + countB;
    rankSumA += countA * (rank + (tied + 1) / 2);
    rank += tied;
    if (tied > 1) tieTerm += tied ** 3 - tied;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const diff = u - mean;
  const z = variance <= 0 || Math.abs(diff) <= 0.5 ? 0 : (diff - Math.sign(diff) * 0.5) / Math.sqrt(variance);
  return { u, z, pValue: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)), probabilityGreater: u / (n1 * n2) };
}

// Complementary error function (Numerical Recipes' erfcc): fractional error below 1.2e-7 for
// every x, so tiny p-values keep their magnitude.
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
