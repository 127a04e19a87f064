import { detectRegression } from '@transcriber/benchmarks';

const thresholds = { minEffect: 0.1, significance: 0.05, minSamples: 5 };
// Deterministic jitter (a fixed pseudo-random sequence), so these tests cannot flake.
function noisy(center: number, n: number, seed: number, spread = 0.03): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return center * (1 + spread * (x / 2147483648 - 0.5) * 2);
  });
}

describe('detectRegression', () => {
  it('says insufficient-history with no earlier run', () => {
    const report = detectRegression(noisy(10, 30, 1), [], thresholds);
    expect(report.verdict).toBe('insufficient-history');
    expect(report.baselineRuns).toBe(0);
    expect(report.summary).toMatch(/no earlier completed run/);
  });

  it('says insufficient-history when either side has too few samples', () => {
    expect(detectRegression(noisy(10, 3, 1), [noisy(10, 30, 2)], thresholds).verdict).toBe('insufficient-history');
    expect(detectRegression(noisy(10, 30, 1), [noisy(10, 2, 2)], thresholds).verdict).toBe('insufficient-history');
  });

  it('flags a 30% slowdown as a regression, with the numbers behind it', () => {
    const report = detectRegression(noisy(13, 30, 7), [noisy(10, 30, 2), noisy(10, 30, 3)], thresholds);
    expect(report.verdict).toBe('regression');
    expect(report.effectPercent).toBeGreaterThan(25);
    expect(report.effectPercent).toBeLessThan(35);
    expect(report.pValue).toBeLessThan(1e-6);
    expect(report.baselineRuns).toBe(2);
    expect(report.baselineSamples).toBe(60);
    expect(report.probabilitySlower).toBe(1);
    expect(report.summary).toMatch(
      /^median 13\.\d\d ms vs 10\.\d\d ms \(\+(29|30)\.\d%\) over 2 earlier run\(s\); p = /,
    );
  });

  it('flags a 30% speed-up as an improvement', () => {
    const report = detectRegression(noisy(7, 30, 7), [noisy(10, 30, 2)], thresholds);
    expect(report.verdict).toBe('improvement');
    expect(report.effectPercent).toBeLessThan(-25);
  });

  it('stays quiet on noise alone', () => {
    const report = detectRegression(noisy(10, 30, 11), [noisy(10, 30, 2), noisy(10, 30, 3)], thresholds);
    expect(report.verdict).toBe('no-change');
    expect(Math.abs(report.effectPercent)).toBeLessThan(3);
  });

  it('calls a significant but small shift no-change (below the minimum effect)', () => {
    const report = detectRegression(noisy(10.5, 200, 5, 0.01), [noisy(10, 200, 6, 0.01)], thresholds);
    expect(report.pValue).toBeLessThan(0.05);
    expect(report.verdict).toBe('no-change');
    expect(report.summary).toMatch(/below the 10% minimum effect/);
  });

  it('calls a large but insignificant shift no-change', () => {
    const report = detectRegression([10, 20, 10, 20, 30], [[10, 20, 10, 20, 10]], thresholds);
    expect(report.effectPercent).toBe(100);
    expect(report.pValue).toBeGreaterThan(0.05);
    expect(report.verdict).toBe('no-change');
  });

  it('uses the configured minimum effect', () => {
    const strict = { ...thresholds, minEffect: 0.5 };
    expect(detectRegression(noisy(13, 30, 7), [noisy(10, 30, 2)], strict).verdict).toBe('no-change');
  });
});
