import { epochCorrectionMs, epochHrTime } from '../src/epochClock';

afterEach(() => jest.restoreAllMocks());

const epochMsOf = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;

describe('epochCorrectionMs', () => {
  it('keeps one correction while Date.now() only ticks, within a millisecond of the wall clock', () => {
    const first = epochCorrectionMs(performance.now());
    const start = Date.now();
    // Many readings across several Date.now() ticks: each is up to 1 ms off, the correction does not move.
    while (Date.now() - start < 20) expect(epochCorrectionMs(performance.now())).toBe(first);
    const now = performance.now();
    expect(Math.abs(epochMsOf(epochHrTime(now, first)) - Date.now())).toBeLessThanOrEqual(1.5);
  });

  it('follows the wall clock when it steps away (NTP step, wake from sleep)', () => {
    const before = epochCorrectionMs(performance.now());
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 5_000);
    const after = epochCorrectionMs(performance.now());
    expect(after - before).toBeGreaterThan(4_998);
    expect(after - before).toBeLessThan(5_002);
  });
});

describe('epochHrTime', () => {
  it('keeps differences to the nanosecond (each time rounds once), and nanoseconds within a second', () => {
    const correction = epochCorrectionMs(performance.now());
    for (const [a, b] of [
      [1000.0001, 1000.0002],
      [123456.789012, 123456.789013],
      [999.9999995, 1000.0000005],
    ]) {
      const [s1, n1] = epochHrTime(a, correction);
      const [s2, n2] = epochHrTime(b, correction);
      expect(n1).toBeGreaterThanOrEqual(0);
      expect(n1).toBeLessThan(1e9);
      expect(Number.isInteger(s1) && Number.isInteger(n1)).toBe(true);
      expect(Math.abs((s2 - s1) * 1e9 + (n2 - n1) - (b - a) * 1e6)).toBeLessThanOrEqual(1);
    }
  });
});
