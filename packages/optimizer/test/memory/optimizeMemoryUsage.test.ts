import { ModelCache, ResourceOptimizer, type PurgeableCache } from '@transcriber/optimizer';
import { openForQuery, optimizationLog } from '@transcriber/queries';
import { collectGarbage } from '../../src/memory/collectGarbage';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const MB = 2 ** 20;

/**
 * Fills the cache with 8 MiB buffers. In a function of its own: a test function awaiting the loads
 * itself may keep the last value alive in its suspended frame, and that buffer would not be freed.
 */
async function loadModels(cache: ModelCache<Buffer>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await cache.get(`model-${i}`, () => Buffer.alloc(8 * MB, i + 1));
}

describe('ResourceOptimizer.optimizeMemoryUsage', () => {
  it('purges a registered cache of large buffers, and freedMb measures what it released', async () => {
    const dataDir = makeTempDir();
    const optimizer = new ResourceOptimizer(dataDir);
    const cache = new ModelCache<Buffer>({ name: 'whisper-models', maxBytes: 256 * MB });
    // Garbage left by earlier tests in this Jest worker would be freed too and counted: start clean,
    // so what is freed is the cache (plus the little this test allocates).
    await collectGarbage();
    await collectGarbage();
    await loadModels(cache, 8);
    const unregister = optimizer.registerCache(cache);
    expect(cache.stats().bytes).toBe(64 * MB);

    const result = await optimizer.optimizeMemoryUsage();
    await optimizer.shutdown();
    unregister();

    expect(cache.stats().entries).toBe(0);
    expect(result.basis).toBe('measured');
    // 64 MiB of buffers were released; other allocations of the test process move the figure a little.
    expect(result.freedMb).toBeGreaterThan(60);
    expect(result.freedMb).toBeLessThan(80);
    expect(result.before.externalMb - result.after.externalMb).toBeGreaterThan(63);
    expect(result.actions[0]).toEqual({ action: 'purge-cache', cache: 'whisper-models', entries: 8, accountedMb: 64 });
    expect(result.actions[1]).toMatchObject({
      action: 'gc',
      method: expect.stringMatching(/^(global\.gc|expose-gc)$/),
    });

    const db = openForQuery(dataDir, 'optimization_logs');
    const [entry] = optimizationLog(db, { sinceUs: 0, type: 'action' });
    db.close();
    expect(entry).toMatchObject({ kind: 'memory', component: 'memory', improvementBasis: 'measured', success: true });
    expect(entry.improvement).toMatch(/^freed \d+\.\d MiB in use \(heap \+ external\), RSS [-+]?\d+\.\d MiB$/);
    expect(entry.description).toMatch(
      /manual memory optimization: purged 1 cache\(s\): 8 entries, 64.0 MiB accounted; full GC via/,
    );
    expect((entry.before as { externalMb: number }).externalMb).toBeGreaterThan(64);
  });

  it('with nothing to purge, freedMb stays near zero: the figure is measured, not assumed', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    await optimizer.optimizeMemoryUsage();
    const result = await optimizer.optimizeMemoryUsage();
    await optimizer.shutdown();
    expect(Math.abs(result.freedMb)).toBeLessThan(8);
    expect(result.actions.map((a) => a.action)).toEqual(['gc']);
  });

  it('purges only idle entries when asked, and keeps caches with purge "none"', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    const cache = new ModelCache<Buffer>({ name: 'voices', maxBytes: 64 * MB });
    await cache.get('old', () => Buffer.alloc(MB));
    await new Promise((resolve) => setTimeout(resolve, 60));
    await cache.get('fresh', () => Buffer.alloc(MB));
    const unregister = optimizer.registerCache(cache);

    await optimizer.optimizeMemoryUsage({ purge: 'none', gc: false });
    expect(cache.stats().entries).toBe(2);
    const idle = await optimizer.optimizeMemoryUsage({ purge: 'idle', idleMs: 40, gc: false });
    expect(cache.has('old')).toBe(false);
    expect(cache.has('fresh')).toBe(true);
    expect(idle.actions).toEqual([{ action: 'purge-cache', cache: 'voices', entries: 1, accountedMb: 1 }]);

    unregister();
    const after = await optimizer.optimizeMemoryUsage({ gc: false });
    expect(after.actions).toEqual([]);
    expect(cache.has('fresh')).toBe(true);
    await optimizer.shutdown();
  });

  it('carries on past a cache whose purge throws, and reports it as failed', async () => {
    const dataDir = makeTempDir();
    const optimizer = new ResourceOptimizer(dataDir);
    const broken: PurgeableCache = {
      name: 'broken',
      purge() {
        throw new Error('locked');
      },
    };
    const unregister = optimizer.registerCache(broken);
    const result = await optimizer.optimizeMemoryUsage({ gc: false });
    await optimizer.shutdown();
    unregister();
    expect(result.actions).toEqual([{ action: 'purge-cache', cache: 'broken', error: 'Error: locked' }]);
    const db = openForQuery(dataDir, 'optimization_logs');
    const [entry] = optimizationLog(db, { sinceUs: 0 });
    db.close();
    expect(entry.success).toBe(false);
  });

  it('registers caches for the whole process: another optimizer purges them too', async () => {
    const cache = new ModelCache<Buffer>({ name: 'shared', maxBytes: 8 * MB });
    await cache.get('m', () => Buffer.alloc(MB));
    const unregister = new ResourceOptimizer(makeTempDir()).registerCache(cache);
    const other = new ResourceOptimizer(makeTempDir());
    try {
      const result = await other.optimizeMemoryUsage({ gc: false });
      expect(result.actions).toEqual([{ action: 'purge-cache', cache: 'shared', entries: 1, accountedMb: 1 }]);
    } finally {
      unregister();
      await other.shutdown();
    }
    expect((await other.optimizeMemoryUsage({ gc: false })).actions).toEqual([]);
    await other.shutdown();
  });

  it('rejects bad options clearly', async () => {
    const optimizer = new ResourceOptimizer(makeTempDir());
    await expect(optimizer.optimizeMemoryUsage({ purge: 'some' as 'all' })).rejects.toThrow(
      'invalid purge "some": expected "all", "idle" or "none"',
    );
    await expect(optimizer.optimizeMemoryUsage({ purge: 'idle' })).rejects.toThrow('purge "idle" needs idleMs');
    expect(() => optimizer.registerCache({} as PurgeableCache)).toThrow('registerCache needs an object with a name');
    await optimizer.shutdown();
  });
});
