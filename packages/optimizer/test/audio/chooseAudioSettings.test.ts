import { type CandidateMeasurement, parseAudioSettings } from '@transcriber/optimizer';
import { chooseAudioSettings } from '../../src/audio/chooseAudioSettings';

/** A candidate whose chunks took `meanMs` (wall), of which `cpuShare` computing on the event loop. */
function measured(chunkDurationMs: number, meanMs: number, p95Ms = meanMs, cpuShare = 1): CandidateMeasurement {
  const settings = parseAudioSettings({ sampleRate: 16000, chunkDurationMs });
  return {
    settings,
    state: 'completed',
    basis: 'measured',
    iterations: 30,
    processingMeanMs: meanMs,
    processingP50Ms: meanMs,
    processingP95Ms: p95Ms,
    realTimeFactor: meanMs / chunkDurationMs,
    realTimeFactorP50: meanMs / chunkDurationMs,
    cpuP50Ms: meanMs * cpuShare,
    cpuRealTimeFactorP50: (meanMs * cpuShare) / chunkDurationMs,
    eventLoopBusyShareP50: cpuShare,
    realTimeFactorP95: p95Ms / chunkDurationMs,
    latencyP95Ms: chunkDurationMs + p95Ms,
    keepsUp: meanMs / chunkDurationMs < 1,
  };
}

describe('chooseAudioSettings', () => {
  const fixedOverhead = [measured(10, 5), measured(20, 6), measured(40, 8), measured(80, 12)];

  it('takes the cheapest per second of audio among candidates within the budget', () => {
    expect(chooseAudioSettings(fixedOverhead, 1000)?.chosen.settings.chunkDurationMs).toBe(80);
    const choice = chooseAudioSettings(fixedOverhead, 50);
    expect(choice?.chosen.settings.chunkDurationMs).toBe(40);
    expect(choice?.meetsBudget).toBe(true);
  });

  it('falls back to the lowest latency that keeps up when nothing fits the budget', () => {
    const choice = chooseAudioSettings(fixedOverhead, 12);
    expect(choice?.chosen.settings.chunkDurationMs).toBe(10);
    expect(choice?.meetsBudget).toBe(false);
    expect(choice?.reason).toMatch(/no candidate fits the 12 ms budget/);
  });

  it('takes the one falling behind least when none keeps up, and skips errored ones', () => {
    const slow = [measured(10, 30), measured(20, 25)];
    const errored: CandidateMeasurement = {
      ...measured(40, 1),
      state: 'errored',
      error: 'RangeError: bad frame',
      keepsUp: false,
    };
    const choice = chooseAudioSettings([...slow, errored], 50);
    expect(choice?.chosen.settings.chunkDurationMs).toBe(20);
    expect(choice?.reason).toMatch(/no candidate keeps up/);
    expect(chooseAudioSettings([errored], 50)).toBeUndefined();
  });

  it('compares computing work by CPU time, so time a busy machine took away does not count', () => {
    // 20 ms chunks took longer on the wall (descheduled), but less CPU than 40 ms ones.
    const contended = [measured(20, 9, 9, 0.5), measured(40, 10, 10, 1)];
    const choice = chooseAudioSettings(contended, 100);
    expect(choice?.costBasis).toBe('cpu');
    expect(choice?.chosen.settings.chunkDurationMs).toBe(20);
  });

  it('compares waiting work (a remote call) by wall time', () => {
    const remote = [measured(20, 8, 8, 0.01), measured(40, 10, 10, 0.02)];
    const choice = chooseAudioSettings(remote, 100);
    expect(choice?.costBasis).toBe('wall');
    expect(choice?.chosen.settings.chunkDurationMs).toBe(40);
  });

  it('breaks near-ties in cost by lower latency', () => {
    const flat = [measured(20, 2.0), measured(40, 4.02)];
    expect(chooseAudioSettings(flat, 100)?.chosen.settings.chunkDurationMs).toBe(20);
  });
});
