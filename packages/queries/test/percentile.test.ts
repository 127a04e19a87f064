import { percentileOfSorted } from '@transcriber/queries';

describe('percentileOfSorted', () => {
  it('interpolates linearly between ranks (type 7, as NumPy)', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // numpy.percentile([1..10], [0, 25, 50, 90, 95, 99, 100])
    expect(percentileOfSorted(values, 0)).toBe(1);
    expect(percentileOfSorted(values, 25)).toBeCloseTo(3.25, 12);
    expect(percentileOfSorted(values, 50)).toBeCloseTo(5.5, 12);
    expect(percentileOfSorted(values, 90)).toBeCloseTo(9.1, 12);
    expect(percentileOfSorted(values, 95)).toBeCloseTo(9.55, 12);
    expect(percentileOfSorted(values, 99)).toBeCloseTo(9.91, 12);
    expect(percentileOfSorted(values, 100)).toBe(10);
  });

  it('handles empty, single and typed inputs, and clamps q', () => {
    expect(percentileOfSorted([], 50)).toBeNaN();
    expect(percentileOfSorted([42], 99)).toBe(42);
    expect(percentileOfSorted(Float64Array.from([1, 3]), 50)).toBe(2);
    expect(percentileOfSorted([1, 3], -5)).toBe(1);
    expect(percentileOfSorted([1, 3], 500)).toBe(3);
  });
});
