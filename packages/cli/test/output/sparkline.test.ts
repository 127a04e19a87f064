import { sparkline } from '../../src/output/sparkline';

describe('sparkline', () => {
  it('draws the lowest value as ▁ and the highest as █', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([10, 5, 10])).toBe('█▁█');
  });

  it('keeps a series that moves less than the given share of its mean near the middle', () => {
    expect(sparkline([100, 102, 100], { minRelativeRange: 0.1 })).toBe('▄▅▄');
    expect(sparkline([100, 150], { minRelativeRange: 0.1 })).toBe('▁█');
  });

  it('draws a flat series at mid height, gaps as spaces, and nothing for no data', () => {
    expect(sparkline([3, 3, 3])).toBe('▄▄▄');
    expect(sparkline([1, NaN, 2])).toBe('▁ █');
    expect(sparkline([])).toBe('');
  });

  it('shows the latest points when the series is longer than the width', () => {
    expect(sparkline([9, 9, 9, 1, 2], { width: 2 })).toBe('▁█');
  });
});
