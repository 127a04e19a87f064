import * as path from 'node:path';
import { ModelCache, OptimizerInputError, ResourceOptimizer } from '@transcriber/optimizer';
import { openForQuery, optimizationLog, type OptimizationLogEntry } from '@transcriber/queries';
import { runChild } from '../../../test/helpers/children';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

const CHILDREN = path.join(__dirname, 'children');

afterAll(removeTempDirs);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function actions(dataDir: string): OptimizationLogEntry[] {
  const db = openForQuery(dataDir, 'optimization_logs');
  try {
    return optimizationLog(db, { sinceUs: 0, type: 'action', limit: 1000 });
  } finally {
    db.close();
  }
}

describe('automatic optimization', () => {
  it('runs the safe memory optimization every interval, dropping only idle cache entries', async () => {
    const dataDir = makeTempDir();
    const optimizer = new ResourceOptimizer(dataDir, { enableAutoOptimization: true, optimizationInterval: 0.2 });
    const cache = new ModelCache<Buffer>({ name: 'models', maxBytes: 2 ** 26 });
    const unregister = optimizer.registerCache(cache);
    await cache.get('idle', () => Buffer.alloc(2 ** 20));
    await cache.get('busy', () => Buffer.alloc(2 ** 20));
    // Keep using one model; let the other sit idle for longer than an interval.
    const keepBusy = setInterval(() => void cache.get('busy', () => Buffer.alloc(2 ** 20)), 20);
    const deadline = Date.now() + 10_000;
    while (cache.has('idle') && Date.now() < deadline) await sleep(20);
    // Stop the rounds before the use: on a loaded machine a round could otherwise come after the
    // last use by more than an interval, and rightly drop "busy" too.
    await optimizer.shutdown();
    clearInterval(keepBusy);
    unregister();

    expect(cache.has('idle')).toBe(false);
    expect(cache.has('busy')).toBe(true);
    const auto = actions(dataDir);
    expect(auto.length).toBeGreaterThanOrEqual(1);
    for (const entry of auto) {
      expect(entry).toMatchObject({ kind: 'memory', improvementBasis: 'measured', success: true });
      expect(entry.description).toMatch(/^auto memory optimization: purged 1 cache\(s\)/);
    }
    // Stopped: no more rounds after shutdown.
    const count = auto.length;
    await sleep(500);
    expect(actions(dataDir)).toHaveLength(count);
  });

  it('never keeps the process alive', async () => {
    const dataDir = makeTempDir();
    const result = await runChild(path.join(CHILDREN, 'autoOptimize.ts'), [dataDir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('done\n');
    // The rounds that ran before the exit were logged.
    expect(actions(dataDir).length).toBeGreaterThanOrEqual(2);
  });

  it('rejects a bad interval', () => {
    expect(
      () => new ResourceOptimizer(makeTempDir(), { enableAutoOptimization: true, optimizationInterval: 0 }),
    ).toThrow(OptimizerInputError);
  });
});
