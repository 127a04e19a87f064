import { mannWhitneyU } from '@transcriber/benchmarks';

describe('mannWhitneyU', () => {
  // Reference: scipy.stats.mannwhitneyu(a, b, method='asymptotic', use_continuity=True).
  it('matches scipy without ties', () => {
    const result = mannWhitneyU([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(result.u).toBe(18);
    expect(result.pValue).toBeCloseTo(0.010016063391463935, 6);
    expect(result.probabilityGreater).toBeCloseTo(18 / 110, 12);
  });

  it('matches scipy with ties (tie-corrected variance)', () => {
    const result = mannWhitneyU([1, 1, 2, 2, 3, 3, 4], [2, 3, 3, 4, 4, 5, 5, 5]);
    expect(result.u).toBe(9);
    expect(result.pValue).toBeCloseTo(0.02879165366530196, 6);
  });

  it('is symmetric: swapping the samples gives U₂ = n₁n₂ − U₁ and the same p', () => {
    const a = [3.1, 2.2, 5.4, 1.0, 4.4, 2.9];
    const b = [6.1, 4.0, 5.9, 7.3, 3.3];
    const ab = mannWhitneyU(a, b);
    const ba = mannWhitneyU(b, a);
    expect(ab.u + ba.u).toBe(a.length * b.length);
    expect(ab.pValue).toBeCloseTo(ba.pValue, 12);
    expect(Math.sign(ab.z)).toBe(-Math.sign(ba.z));
  });

  it('finds no difference between identical samples, even when all values tie', () => {
    expect(mannWhitneyU([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
    const tied = mannWhitneyU([5, 5, 5], [5, 5, 5, 5]);
    expect(tied.pValue).toBe(1);
    expect(tied.z).toBe(0);
  });

  it('gives tiny but non-zero p-values for clearly separated large samples', () => {
    const a = Array.from({ length: 200 }, (_, i) => 10 + i / 1000);
    const b = Array.from({ length: 200 }, (_, i) => 1 + i / 1000);
    const result = mannWhitneyU(a, b);
    expect(result.probabilityGreater).toBe(1);
    expect(result.pValue).toBeGreaterThan(0);
    expect(result.pValue).toBeLessThan(1e-60);
  });

  it('is NaN when a side is empty', () => {
    expect(mannWhitneyU([], [1, 2]).pValue).toBeNaN();
  });
});
