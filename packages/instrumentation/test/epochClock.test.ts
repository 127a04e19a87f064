import { epochCorrectionMs, epochHrTime } from '../src/epochClock';

afterEach(() => jest.restoreAllMocks());

const epochMsOf = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;

describe('epochCorrectionMs', () => {
  it('keeps one correction while Date.now() only ticks, within a millisecond of the wall clock', () => {
    // A fresh module whose first reading was taken with the thread not descheduled between the two
    // clocks (a loaded machine did that for 4 ms: the clock then rightly corrected itself later).
    let clock: typeof import('../src/epochClock') | undefined;
    let first = Number.NaN;
    for (let attempt = 0; attempt < 100 && clock === undefined; attempt++) {
      jest.isolateModules(() => {
        const fresh = jest.requireActual<typeof import('../src/epochClock')>('../src/epochClock');
        const from = performance.now();
        first = fresh.epochCorrectionMs(performance.now());
        if (performance.now() - from < 0.2) clock = fresh;
      });
    }
    if (clock === undefined) throw new Error('no reading in 100 was taken without a pause between the clocks');
    const start = Date.now();
    // Many readings across several Date.now() ticks: each is up to 1 ms off, the correction does not move.
    while (Date.now() - start < 20) expect(clock.epochCorrectionMs(performance.now())).toBe(first);
    const now = performance.now();
    expect(Math.abs(epochMsOf(clock.epochHrTime(now, first)) - Date.now())).toBeLessThanOrEqual(1.5);
  });

  it('follows the wall clock when it steps away (NTP step, wake from sleep)', () => {
    // Each reading pairs performance.now() with Date.now(): a thread descheduled between the two
    // (a loaded machine) shifts it by that time, which the bracket around the call bounds.
    const reading = () => {
      const from = performance.now();
      const correction = epochCorrectionMs(performance.now());
      return { correction, bracketMs: performance.now() - from };
    };
    const before = reading();
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 5_000);
    // One reading alone is not followed (it may be a pause between the two clocks' readings)...
    expect(reading().correction).toBe(before.correction);
    // ...a second that agrees with it is.
    const after = reading();
    // Kept corrections lag a reading by up to 2 ms (RESYNC_MS), Date.now() truncates up to 1 ms.
    const slackMs = 2 + 1 + before.bracketMs + after.bracketMs;
    expect(Math.abs(after.correction - before.correction - 5_000)).toBeLessThanOrEqual(slackMs);
  });
});

it('does not follow one reading taken after a pause between the two clocks (a descheduled thread)', () => {
  const correction = epochCorrectionMs(performance.now());
  // The operation's start read 30 ms before Date.now(): what a thread descheduled in between sees.
  expect(epochCorrectionMs(performance.now() - 30)).toBe(correction);
  expect(epochCorrectionMs(performance.now())).toBe(correction);
  // Nor two such pauses of different lengths in a row.
  expect(epochCorrectionMs(performance.now() - 30)).toBe(correction);
  expect(epochCorrectionMs(performance.now() - 60)).toBe(correction);
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
