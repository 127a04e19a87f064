import { measureIterations } from '../../src/run/measureIterations';
import { busyWaitUs } from '../helpers/workload';

const base = { iterations: 20, warmupIterations: 0, timeoutMs: 10_000 };

describe('measureIterations', () => {
  it('runs warm-up iterations first and keeps only the measured ones', async () => {
    let calls = 0;
    let measureStartedAt = -1;
    const m = await measureIterations(() => void calls++, {
      ...base,
      warmupIterations: 7,
      onMeasureStart: () => (measureStartedAt = calls),
    });
    expect(calls).toBe(27);
    expect(measureStartedAt).toBe(7);
    expect(m.iterations).toBe(20);
    expect(m.samples.length).toBe(20);
    expect(m.timedOut).toBe(false);
  });

  it('does not await sync results (no microtask turn between sync iterations)', async () => {
    let microtaskRan = false;
    const seen: boolean[] = [];
    await measureIterations(
      () => {
        if (seen.length === 0) void Promise.resolve().then(() => (microtaskRan = true));
        seen.push(microtaskRan);
      },
      { ...base, iterations: 5 },
    );
    expect(seen).toEqual([false, false, false, false, false]);
  });

  it('awaits promises and times the whole async iteration', async () => {
    const m = await measureIterations(
      async () => {
        await new Promise(setImmediate);
        busyWaitUs(3000);
      },
      { ...base, iterations: 4 },
    );
    expect(m.samples.length).toBe(4);
    for (const sample of m.samples) expect(sample).toBeGreaterThanOrEqual(3);
  });

  it('times a calibrated workload', async () => {
    const m = await measureIterations(() => busyWaitUs(2000), { ...base, iterations: 10 });
    for (const sample of m.samples) expect(sample).toBeGreaterThanOrEqual(2);
    expect(m.totalTimeMs).toBeCloseTo(
      m.samples.reduce((a, b) => a + b, 0),
      9,
    );
  });

  it('counts failures by error type and goes on', async () => {
    let i = 0;
    const m = await measureIterations(
      () => {
        i++;
        if (i % 4 === 0) throw new RangeError(`bad ${i}`);
        if (i % 5 === 0) return Promise.reject(new TypeError('async bad'));
        return undefined;
      },
      { ...base, iterations: 20 },
    );
    expect(m.iterations).toBe(20);
    // multiples of 4: 4 8 12 16 20 → 5 RangeErrors; multiples of 5 not of 4: 5 10 15 → 3 TypeErrors
    expect(m.failures).toEqual([
      { errorType: 'RangeError', count: 5, firstMessage: 'bad 4' },
      { errorType: 'TypeError', count: 3, firstMessage: 'async bad' },
    ]);
    expect(m.samples.length).toBe(12);
  });

  it('abandons a promise that never settles when the time limit passes', async () => {
    const started = performance.now();
    const m = await measureIterations(() => new Promise(() => {}), { ...base, timeoutMs: 150 });
    expect(m.timedOut).toBe(true);
    expect(m.iterations).toBe(0);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('stops sync iterations once the time limit has passed', async () => {
    const m = await measureIterations(() => busyWaitUs(20_000), { ...base, iterations: 1000, timeoutMs: 100 });
    expect(m.timedOut).toBe(true);
    expect(m.iterations).toBeGreaterThanOrEqual(1);
    expect(m.iterations).toBeLessThan(1000);
    expect(m.samples.length).toBe(m.iterations);
  });

  it('counts a time-out during warm-up as a time-out with nothing measured', async () => {
    let measured = false;
    const m = await measureIterations(() => busyWaitUs(20_000), {
      ...base,
      warmupIterations: 1000,
      timeoutMs: 60,
      onMeasureStart: () => (measured = true),
    });
    expect(m.timedOut).toBe(true);
    expect(m.iterations).toBe(0);
    expect(measured).toBe(false);
  });

  it('reports progress, ending at the total of each phase', async () => {
    const progress: string[] = [];
    await measureIterations(() => undefined, {
      ...base,
      warmupIterations: 2,
      onProgress: (p) => progress.push(`${p.phase} ${p.done}/${p.total}`),
    });
    expect(progress.at(-1)).toBe('measure 20/20');
    expect(progress).toContain('warmup 2/2');
  });
});
