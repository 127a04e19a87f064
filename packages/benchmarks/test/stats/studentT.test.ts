import { tCritical95 } from '@transcriber/benchmarks';

describe('tCritical95', () => {
  // Reference values: scipy.stats.t.ppf(0.975, df).
  it.each([
    [1, 12.706204736174707],
    [5, 2.5705818356363146],
    [30, 2.0422724563012378],
    [31, 2.039513446396408],
    [60, 2.0002978220142604],
    [1000, 1.9623390808264083],
  ])('df %d → %f', (df, expected) => {
    expect(tCritical95(df)).toBeCloseTo(expected, 6);
  });

  it('is NaN without degrees of freedom', () => {
    expect(tCritical95(0)).toBeNaN();
  });
});
