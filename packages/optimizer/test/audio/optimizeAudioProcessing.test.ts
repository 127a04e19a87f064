import { ResourceOptimizer, OptimizerInputError } from '@transcriber/optimizer';
import { openForQuery, optimizationLog } from '@transcriber/queries';
import { Worker } from 'node:worker_threads';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { perSampleWorkload, uShapedCostPerSecond, uShapedWorkload } from '../helpers/workloads';

afterAll(removeTempDirs);

/** A worker thread that computes until terminated; resolves once it has started. */
async function startSpinningThread(): Promise<Worker> {
  const worker = new Worker("require('node:worker_threads').parentPort.postMessage('spinning'); for (;;) {}", {
    eval: true,
  });
  await new Promise((resolve) => worker.once('message', resolve));
  return worker;
}

describe('ResourceOptimizer.optimizeAudioProcessing with a workload', () => {
  it('finds the chunk size that is really cheapest for a workload whose cost depends on it', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    const fixed = 320;
    const sizes = [40, 320, 2560];
    const result = await optimizer.optimizeAudioProcessing(
      { sample_rate: 16000, chunk_size: 2560 },
      { workload: uShapedWorkload(fixed), latencyBudgetMs: 1000, candidates: { chunkSizes: sizes } },
    );
    await optimizer.shutdown();
    // By construction the work per second of audio is smallest at 320 frames (4× less than at 40 or 2560).
    const cheapest = sizes.reduce((a, b) => (uShapedCostPerSecond(fixed, b) < uShapedCostPerSecond(fixed, a) ? b : a));
    expect(cheapest).toBe(320);
    expect(result.basis).toBe('measured');
    expect(result.settings).toEqual({ sampleRate: 16000, chunkSize: 320, channels: 1, chunkDurationMs: 20 });
    expect(result.changed).toBe(true);
    expect(result.meetsBudget).toBe(true);
    const rtf = (frames: number) =>
      result.candidates!.find((c) => c.settings.chunkSize === frames)!.cpuRealTimeFactorP50;
    expect(rtf(320)).toBeLessThan(rtf(40));
    expect(rtf(320)).toBeLessThan(rtf(2560));
    // Before is the current setting, measured like the others; the improvement is their difference.
    expect(result.before?.settings.chunkSize).toBe(2560);
    expect(result.after?.settings.chunkSize).toBe(320);
    expect(result.before?.iterations).toBeGreaterThanOrEqual(12);
    expect(result.after?.processingP95Ms).toBeGreaterThanOrEqual(result.after!.processingP50Ms);
    expect(result.improvement?.realTimeFactor.value).toBeCloseTo(rtf(320) - rtf(2560), 3);
    expect(result.improvement?.realTimeFactor.basis).toBe('derived');
    expect(result.reasons).toContain('compared by CPU time: the workload mostly computes');
    expect(result.improvement?.summary).toMatch(
      /^CPU RTF [\d.]+ → [\d.]+ \(-\d+%\), p95 latency [\d.]+ → [\d.]+ ms \(-\d+%\)$/,
    );
  });

  it('keeps within a tight latency budget even when a longer chunk would be cheaper', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    const result = await optimizer.optimizeAudioProcessing(
      { sampleRate: 16000, chunkSize: 640 },
      { workload: uShapedWorkload(640), latencyBudgetMs: 39, candidates: { chunkSizes: [160] } },
    );
    await optimizer.shutdown();
    // 640 frames are 40 ms of audio: over the budget before any processing, though cheaper per
    // second. (Whether 160 frames fit too depends on this machine's load: both ways, 160 is the answer.)
    expect(result.settings.chunkSize).toBe(160);
    expect(result.meetsBudget).toBe(result.after!.latencyP95Ms <= 39);
    expect(result.before!.cpuRealTimeFactorP50).toBeLessThan(result.after!.cpuRealTimeFactorP50);
  });

  it('moves to 16 kHz when the cost is per sample, trying it because the current rate is higher', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    const result = await optimizer.optimizeAudioProcessing(
      { sampleRate: 48000, chunkDurationMs: 20 },
      { workload: perSampleWorkload, candidates: { chunkDurationsMs: [20] }, timePerCandidateMs: 120 },
    );
    await optimizer.shutdown();
    expect(result.candidates!.map((c) => c.settings.sampleRate)).toEqual([48000, 16000]);
    expect(result.settings).toEqual({ sampleRate: 16000, chunkSize: 320, channels: 1, chunkDurationMs: 20 });
    expect(result.after!.cpuRealTimeFactorP50).toBeLessThan(result.before!.cpuRealTimeFactorP50);
  });

  it('leaves out candidates the workload fails on, and says so', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    // Like WebRTC VAD: only 10, 20 or 30 ms frames.
    const vad = (chunk: Float32Array, s: { sampleRate: number }) => {
      if (![10, 20, 30].includes((chunk.length / s.sampleRate) * 1000))
        throw new RangeError('frame must be 10, 20 or 30 ms');
      return perSampleWorkload(chunk);
    };
    const result = await optimizer.optimizeAudioProcessing(
      { sampleRate: 16000, chunkSize: 1024 },
      { workload: vad, timePerCandidateMs: 60 },
    );
    await optimizer.shutdown();
    expect([10, 20, 30]).toContain(result.settings.chunkDurationMs);
    expect(result.before?.state).toBe('errored');
    expect(result.before?.error).toBe('RangeError: frame must be 10, 20 or 30 ms');
    expect(result.improvement).toBeUndefined();
    expect(result.reasons.join('\n')).toMatch(/the current settings failed/);
    await expect(
      new ResourceOptimizer(makeTempDir()).optimizeAudioProcessing(
        { sampleRate: 16000, chunkSize: 1024 },
        {
          workload: () => {
            throw new TypeError('model not loaded');
          },
        },
      ),
    ).rejects.toThrow('the workload failed on every candidate: TypeError: model not loaded');
  });

  it('awaits async workloads, times them, and compares waiting work by wall time', async () => {
    // Other threads of the process compute meanwhile (as an app's workers, GC or the exporter's
    // writer would): their CPU time is not the workload's and must not make it look like computing.
    const spinners = await Promise.all([startSpinningThread(), startSpinningThread()]);
    const optimizer = new ResourceOptimizer(makeTempDir());
    try {
      const result = await optimizer.optimizeAudioProcessing(
        { sampleRate: 16000, chunkDurationMs: 20 },
        {
          // Waits 10 ms per chunk: far more than its compute.
          workload: (chunk) => new Promise((resolve) => setTimeout(() => resolve(perSampleWorkload(chunk)), 10)),
          candidates: { chunkDurationsMs: [20] },
          minIterations: 6,
          timePerCandidateMs: 1,
          rounds: 1,
        },
      );
      expect(result.before!.processingP50Ms).toBeGreaterThanOrEqual(9.5);
      expect(result.before!.eventLoopBusyShareP50).toBeLessThan(0.5);
      expect(result.reasons).toContain('compared by wall time: the workload mostly waits');
    } finally {
      await optimizer.shutdown();
      await Promise.all(spinners.map((spinner) => spinner.terminate()));
    }
  });

  it('logs the tuning with its before/after measurements in optimization_logs.db', async () => {
    const dataDir = makeTempDir();
    const optimizer = new ResourceOptimizer(dataDir);
    await optimizer.optimizeAudioProcessing(
      { sampleRate: 16000, chunkSize: 160 },
      { workload: uShapedWorkload(640), latencyBudgetMs: 1000, candidates: { chunkSizes: [640] } },
    );
    await optimizer.shutdown();
    const db = openForQuery(dataDir, 'optimization_logs');
    const [entry] = optimizationLog(db, { sinceUs: 0 });
    db.close();
    expect(entry).toMatchObject({
      type: 'action',
      kind: 'audio_processing',
      improvementBasis: 'measured',
      success: true,
    });
    expect(entry.description).toMatch(/16000 Hz × 160 frames \(10 ms, 1 ch\) → 16000 Hz × 640 frames \(40 ms, 1 ch\)/);
    expect(entry.improvement).toMatch(/^CPU RTF /);
    expect((entry.before as { settings: { chunkSize: number } }).settings.chunkSize).toBe(160);
    expect((entry.after as { settings: { chunkSize: number }; realTimeFactor: number }).settings.chunkSize).toBe(640);
  });
});

describe('ResourceOptimizer.optimizeAudioProcessing without a workload', () => {
  it('falls back to heuristics, labelled as such, and logs them', async () => {
    const dataDir = makeTempDir();
    const optimizer = new ResourceOptimizer(dataDir);
    const result = await optimizer.optimizeAudioProcessing({ sample_rate: 44100, chunk_size: 1024, channels: 2 });
    await optimizer.shutdown();
    expect(result.basis).toBe('heuristic');
    expect(result.settings.sampleRate).toBe(16000);
    expect(result.settings.channels).toBe(1);
    expect(result.reasons[0]).toMatch(/no workload given/);
    expect(result.host?.cores).toBeGreaterThanOrEqual(1);
    expect(result.before).toBeUndefined();
    const db = openForQuery(dataDir, 'optimization_logs');
    const [entry] = optimizationLog(db, { sinceUs: 0 });
    db.close();
    expect(entry).toMatchObject({ kind: 'audio_processing', improvementBasis: 'heuristic' });
    expect(entry.improvement).toMatch(/not measured/);
  });

  it('rejects bad settings and options before doing anything', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    await expect(optimizer.optimizeAudioProcessing({ sampleRate: 16000, chunk: 320 })).rejects.toThrow(
      OptimizerInputError,
    );
    await expect(
      optimizer.optimizeAudioProcessing({ sampleRate: 16000, chunkSize: 320 }, { latencyBudgetMs: -1 }),
    ).rejects.toThrow('invalid latencyBudgetMs -1');
    await expect(
      optimizer.optimizeAudioProcessing(
        { sampleRate: 16000, chunkSize: 320 },
        { workload: perSampleWorkload, minIterations: 0 },
      ),
    ).rejects.toThrow('invalid minIterations 0');
    await optimizer.shutdown();
  });
});
