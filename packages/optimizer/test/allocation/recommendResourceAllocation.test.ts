import { ResourceOptimizer } from '@transcriber/optimizer';
import { openForQuery, optimizationLog } from '@transcriber/queries';
import * as os from 'node:os';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

/** Keeps the main thread busy in 20 ms slices until stopped: a CPU-bound stage on the event loop. */
function spinMainThread(): () => void {
  let running = true;
  const spin = () => {
    const until = performance.now() + 20;
    while (performance.now() < until) {
      // busy
    }
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  return () => {
    running = false;
  };
}

describe('ResourceOptimizer.recommendResourceAllocation', () => {
  const savedPool = process.env.UV_THREADPOOL_SIZE;
  afterEach(() => {
    if (savedPool === undefined) delete process.env.UV_THREADPOOL_SIZE;
    else process.env.UV_THREADPOOL_SIZE = savedPool;
  });

  it('recommends worker threads when the measured event loop is saturated, and fewer sessions', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    const stop = spinMainThread();
    const allocation = await optimizer.recommendResourceAllocation({ sampleMs: 300, currentConcurrency: 4 });
    stop();
    await optimizer.shutdown();
    expect(allocation.eventLoopUtilization.basis).toBe('measured');
    expect(allocation.eventLoopUtilization.value).toBeGreaterThan(0.8);
    // CPU time is measured too, but on a shared machine the spinning thread gets what the others leave.
    expect(allocation.processCpu.value).toBeGreaterThan(0);
    expect(allocation.processCpu.basis).toBe('measured');
    expect(allocation.cores.value).toBe(os.availableParallelism());
    expect(allocation.workerThreads.recommended).toBe(Math.max(1, os.availableParallelism() - 1));
    expect(allocation.workerThreads.reason).toMatch(/event loop was busy \d+% of the time: move CPU-bound stages/);
    // 4 sessions saturate the loop: sized for 70%, about 2–3 fit.
    expect(allocation.concurrency.recommended).toBeGreaterThanOrEqual(2);
    expect(allocation.concurrency.recommended).toBeLessThan(4);
    expect(allocation.concurrency.basis).toBe('derived');
  });

  it('recommends no workers and more sessions when the loop is mostly idle', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    const allocation = await optimizer.recommendResourceAllocation({ sampleMs: 200, currentConcurrency: 2 });
    await optimizer.shutdown();
    expect(allocation.eventLoopUtilization.value).toBeLessThan(0.5);
    expect(allocation.workerThreads.recommended).toBe(0);
    expect(allocation.concurrency.recommended).toBeGreaterThan(2);
  });

  it('reads UV_THREADPOOL_SIZE and recommends at least libuv’s default and one thread per core', async () => {
    process.env.UV_THREADPOOL_SIZE = '2';
    const dataDir = makeTempDir();
    const optimizer = new ResourceOptimizer(dataDir);
    const allocation = await optimizer.recommendResourceAllocation({ sampleMs: 20 });
    await optimizer.shutdown();
    const expected = Math.max(4, os.availableParallelism());
    expect(allocation.uvThreadpoolSize).toMatchObject({ current: 2, recommended: expected, basis: 'heuristic' });
    expect(allocation.uvThreadpoolSize.reason).toMatch(`set UV_THREADPOOL_SIZE=${expected} before the process starts`);
    expect(allocation.concurrency.recommended).toBeUndefined();
    expect(allocation.concurrency.reason).toMatch(/pass currentConcurrency/);

    const db = openForQuery(dataDir, 'optimization_logs');
    const [entry] = optimizationLog(db, { sinceUs: 0 });
    db.close();
    expect(entry).toMatchObject({
      type: 'recommendation',
      recommendationId: 'allocation:pipeline',
      component: 'pipeline',
    });
    expect(entry.description).toMatch(`UV_THREADPOOL_SIZE=${expected}`);
    expect((entry.evidence as { eventLoopUtilization: { basis: string } }).eventLoopUtilization.basis).toBe('measured');
  });

  it('rejects bad options', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    await expect(optimizer.recommendResourceAllocation({ sampleMs: 1 })).rejects.toThrow('invalid sampleMs 1');
    await expect(optimizer.recommendResourceAllocation({ currentConcurrency: 1.5 })).rejects.toThrow(
      'invalid currentConcurrency 1.5',
    );
    await expect(optimizer.recommendResourceAllocation({ targetUtilization: 2 })).rejects.toThrow(
      'invalid targetUtilization 2',
    );
    await optimizer.shutdown();
  });
});
