import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { PerformanceIntegration } from '@transcriber/node';
import { ModelCache, OptimizerInputError } from '@transcriber/optimizer';
import { openForQuery, optimizationLog, type OptimizationLogEntry } from '@transcriber/queries';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

afterEach(() => {
  trace.disable();
  metrics.disable();
  logs.disable();
  context.disable();
  propagation.disable();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function log(dataDir: string): (OptimizationLogEntry & { service?: string })[] {
  const db = openForQuery(dataDir, 'optimization_logs');
  try {
    const services = db.prepare('SELECT DISTINCT service_name FROM optimization_actions').pluck().all() as string[];
    return optimizationLog(db, { sinceUs: 0, limit: 1000 }).map((e) => ({ ...e, service: services[0] }));
  } finally {
    db.close();
  }
}

/** An energy VAD over one chunk: work proportional to its samples. */
function energyVad(chunk: Float32Array): boolean {
  let energy = 0;
  for (let i = 0; i < chunk.length; i++) energy += chunk[i] * chunk[i];
  return Math.sqrt(energy / chunk.length) > 0.05;
}

describe('PerformanceIntegration.optimizeComponent', () => {
  it('runs the audio, memory and pipeline optimizers and logs them through the SDK', async () => {
    const dataDir = makeTempDir();
    const perf = new PerformanceIntegration({ dataDir, monitoringInterval: 0.05 });
    await perf.initialize();

    const vad = await perf.optimizeComponent(
      'vad',
      { sample_rate: 16000, chunk_size: 512 },
      { workload: energyVad, candidates: { chunkDurationsMs: [10, 20, 30] }, timePerCandidateMs: 30 },
    );
    expect(vad.status).toBe('optimized');
    if (vad.status !== 'optimized' || vad.kind !== 'audio_processing') throw new Error('expected audio tuning');
    expect(vad.result.basis).toBe('measured');
    expect(vad.result.candidates).toHaveLength(4);

    const cache = new ModelCache<Buffer>({ name: 'vad-models', maxBytes: 2 ** 26 });
    await cache.get('silero', () => Buffer.alloc(2 ** 22));
    const unregister = perf.optimizer.registerCache(cache);
    const memory = await perf.optimizeComponent('memory');
    unregister();
    expect(memory).toMatchObject({ status: 'optimized', component: 'memory', kind: 'memory' });
    expect(cache.stats().entries).toBe(0);

    const pipeline = await perf.optimizeComponent('pipeline', { sampleMs: 50, currentConcurrency: 2 });
    expect(pipeline).toMatchObject({ status: 'optimized', kind: 'resource_allocation' });

    const heuristic = await perf.optimizeComponent('audio_capture', { sampleRate: 48000, chunkSize: 4800 });
    expect(heuristic.status === 'optimized' && heuristic.kind === 'audio_processing' && heuristic.result.basis).toBe(
      'heuristic',
    );
    await perf.cleanup();

    const entries = log(dataDir);
    expect(
      entries
        .filter((e) => e.type === 'action')
        .map((e) => `${e.component}:${e.kind}`)
        .sort(),
    ).toEqual(['audio_capture:audio_processing', 'memory:memory', 'vad:audio_processing']);
    expect(entries.find((e) => e.type === 'recommendation')?.recommendationId).toBe('allocation:pipeline');
    // Emitted through the SDK the integration started (its resource), not a private provider.
    expect(entries[0].service).toMatch(/^node:/);
  });

  it('says clearly when a component has no optimizer, and rejects unknown names and settings', async () => {
    const perf = new PerformanceIntegration({ dataDir: makeTempDir(), enableMonitoring: false });
    for (const component of ['stt', 'llm', 'tts', 'agent', 'tool']) {
      const result = await perf.optimizeComponent(component, { model: 'whisper-small' });
      expect(result).toEqual({
        status: 'no-optimizer',
        component,
        message: expect.stringMatching(
          new RegExp(`^no optimizer for ${component}: its settings .* are the app's to choose`),
        ),
      });
    }
    await expect(perf.optimizeComponent('sst', {})).rejects.toThrow(
      'unknown component "sst": expected one of audio_capture',
    );
    await expect(perf.optimizeComponent('memory', { aggressive: true })).rejects.toThrow(
      'unknown memory setting "aggressive": accepted are purge, idleMs, gc',
    );
    await expect(perf.optimizeComponent('vad', { sampleRate: 16000, frameSize: 320 })).rejects.toThrow(
      OptimizerInputError,
    );
    await perf.cleanup();
  });

  it('runs the safe optimizations every optimizationInterval when enableAutoOptimization is set', async () => {
    const dataDir = makeTempDir();
    const perf = new PerformanceIntegration({ dataDir, enableAutoOptimization: true, optimizationInterval: 0.1 });
    await perf.initialize();
    await sleep(450);
    await perf.cleanup();
    const auto = log(dataDir).filter((e) => e.description?.startsWith('auto memory optimization'));
    expect(auto.length).toBeGreaterThanOrEqual(1);
    expect(auto[0]).toMatchObject({ kind: 'memory', improvementBasis: 'measured' });
    // Stopped with cleanup.
    await sleep(300);
    expect(log(dataDir).length).toBe(auto.length);
  });

  it('does not optimize anything automatically by default', async () => {
    const dataDir = makeTempDir();
    const perf = new PerformanceIntegration({ dataDir, monitoringInterval: 0.05 });
    await perf.initialize();
    await sleep(200);
    await perf.cleanup();
    expect(fs.existsSync(path.join(dataDir, 'optimization_logs.db'))).toBe(false);
  });
});
