import { count } from '../../src/output/format';

describe('count', () => {
  it('groups thousands as en-US does, without Intl', () => {
    const cases = [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 1_234_567.5, 0.125, 3.14159, -1234, -0.0001, 1e15 + 1];
    for (const value of cases) expect(count(value)).toBe(value.toLocaleString('en-US'));
  });

  it('shows what is not a finite number as it is', () => {
    expect(count(NaN)).toBe('NaN');
    expect(count(Infinity)).toBe('Infinity');
  });
});
