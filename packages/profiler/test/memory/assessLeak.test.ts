import { assessLeak, type HeapReading } from '../../src/memory/assessLeak';

const KIB = 1024;
const options = { minRuns: 5, thresholdBytesPerRun: 32 * KIB };

/** Runs whose after-GC heap starts at 10 MiB and changes by `growth[i]` in run i. */
function series(growth: number[], retainedBy = 'cacheForever app.js:3'): HeapReading[] {
  let heap = 10 * 1024 * KIB;
  return growth.map((g) => {
    const reading = {
      beforeBytes: heap,
      afterBytes: heap + g,
      retained: g > 0 ? [{ function: retainedBy, bytes: g, share: 1 }] : [],
    };
    heap += g;
    return reading;
  });
}

describe('assessLeak', () => {
  it('flags growth that persists run after run, naming what holds it', () => {
    const verdict = assessLeak(series([200 * KIB, 180 * KIB, 210 * KIB, 190 * KIB, 205 * KIB, 0]), options);
    expect(verdict.status).toBe('suspected');
    expect(verdict.suspected).toBe(true);
    expect(verdict.medianReleasedBytes).toBe(0);
    expect(verdict.suspects[0].function).toBe('cacheForever app.js:3');
    expect(verdict.suspects[0].runs).toBe(5);
  });

  it('flags a leak while something else frees memory in some runs: what each run allocated and still holds', () => {
    // 300 KiB held per run; in runs 2 and 4 V8 also flushed 1 MiB of old bytecode, so the heap shrank.
    let heap = 10 * 1024 * KIB;
    const readings = [300, -724, 300, -724, 300, 300].map((kib) => {
      const reading = {
        beforeBytes: heap,
        afterBytes: heap + kib * KIB,
        retained: [{ function: 'cacheForever app.js:3', bytes: 300 * KIB, share: 1 }],
      };
      heap += kib * KIB;
      return reading;
    });
    const verdict = assessLeak(readings, options);
    expect(verdict).toMatchObject({ status: 'suspected', growingRuns: 6, medianGrowthBytes: 300 * KIB });
    expect(verdict.suspects[0].function).toBe('cacheForever app.js:3');
  });

  it('does not flag noise around zero', () => {
    const verdict = assessLeak(series([4 * KIB, -3 * KIB, 8 * KIB, -6 * KIB, 2 * KIB, -1 * KIB]), options);
    expect(verdict).toMatchObject({ status: 'clean', suspected: false, suspects: [] });
  });

  it('does not flag memory each run takes and the next frees (a "last result" slot)', () => {
    // Every run holds 100 KiB more than before it started, but frees what the previous run held.
    const readings = [0, 1, 2, 3, 4, 5].map(() => ({ beforeBytes: 10_000_000, afterBytes: 10_102_400, retained: [] }));
    const verdict = assessLeak(readings, options);
    expect(verdict.medianGrowthBytes).toBe(102_400);
    expect(verdict.medianReleasedBytes).toBe(102_400);
    expect(verdict.suspected).toBe(false);
  });

  it('is not misled by memory released once by something else (V8 flushing bytecode)', () => {
    // Heap after GC around runs of an operation that keeps ~640 KiB a run, as read on Node 24 in a
    // Jest worker: V8 flushed ~4 MiB of bytecode not run since it was loaded, during the third run
    // and before the fourth. The after-GC heap's least-squares slope over these runs is negative.
    const readings = [
      [49_722_240, 53_772_080],
      [53_915_400, 54_555_736],
      [54_571_360, 52_506_192],
      [50_148_880, 50_789_960],
      [50_768_224, 51_409_000],
      [51_427_008, 52_058_592],
    ].map(([beforeBytes, afterBytes]) => ({ beforeBytes, afterBytes, retained: [] }));
    expect(assessLeak(readings, options)).toMatchObject({ status: 'suspected', growingRuns: 5 });
    expect(assessLeak(readings.slice(0, 5), options)).toMatchObject({ status: 'suspected', growingRuns: 4 });
  });

  it('does not flag growth below the threshold, or growth in too few runs', () => {
    expect(assessLeak(series([20 * KIB, 20 * KIB, 20 * KIB, 20 * KIB, 20 * KIB]), options).suspected).toBe(false);
    expect(assessLeak(series([900 * KIB, 900 * KIB, 0, 0, -1, 900 * KIB]), options).suspected).toBe(false);
  });

  it('waits for enough runs before judging', () => {
    const verdict = assessLeak(series([500 * KIB, 500 * KIB, 500 * KIB, 500 * KIB]), options);
    expect(verdict).toMatchObject({ status: 'insufficient_runs', suspected: false, runs: 4 });
  });
});
