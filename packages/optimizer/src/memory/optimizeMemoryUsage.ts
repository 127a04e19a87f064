import { diag } from '@opentelemetry/api';
import type { PurgeableCache } from '../cache/purgeableCache';
import { round } from '../figure';
import { OptimizerInputError } from '../optimizerInputError';
import { collectGarbage, type GcMethod } from './collectGarbage';
import { memoryInUseMb, memorySnapshot, type MemorySnapshot } from './memorySnapshot';

export interface MemoryOptimizationOptions {
  /** Which cache entries to drop: `all` (default), `idle` (unused for `idleMs`), or `none`. */
  purge?: 'all' | 'idle' | 'none';
  /** With `purge: 'idle'`: entries unused this long are dropped, ms. */
  idleMs?: number;
  /** Collect garbage (default true). */
  gc?: boolean;
}

/** One step taken. */
export type MemoryAction =
  | { action: 'purge-cache'; cache: string; entries: number; accountedMb: number }
  | { action: 'purge-cache'; cache: string; error: string }
  | { action: 'gc'; method: GcMethod; durationMs: number }
  | { action: 'gc'; error: string };

export interface MemoryOptimizationResult {
  basis: 'measured';
  /** Drop in memory in use (heap used + external), MiB; negative if it grew meanwhile. */
  freedMb: number;
  /** Drop in resident set size, MiB (the allocator may keep freed pages, so it can lag `freedMb`). */
  rssFreedMb: number;
  before: MemorySnapshot;
  after: MemorySnapshot;
  actions: MemoryAction[];
}

/** Purges registered caches and collects garbage, measuring memory before and after. */
export async function optimizeMemoryUsage(
  caches: Iterable<PurgeableCache>,
  options: MemoryOptimizationOptions = {},
): Promise<MemoryOptimizationResult> {
  const purge = options.purge ?? 'all';
  if (!['all', 'idle', 'none'].includes(purge)) {
    throw new OptimizerInputError(`invalid purge ${JSON.stringify(purge)}: expected "all", "idle" or "none"`);
  }
  const idleMs = options.idleMs;
  if (purge === 'idle' && (typeof idleMs !== 'number' || !Number.isFinite(idleMs) || idleMs < 0)) {
    throw new OptimizerInputError(`purge "idle" needs idleMs, a number of ms ≥ 0; got ${String(idleMs)}`);
  }
  const before = memorySnapshot();
  const actions: MemoryAction[] = [];
  if (purge !== 'none') {
    for (const cache of caches) {
      try {
        const released = cache.purge(purge === 'idle' ? idleMs : undefined);
        actions.push({
          action: 'purge-cache',
          cache: cache.name,
          entries: released.entries,
          accountedMb: round(released.bytes / 2 ** 20),
        });
      } catch (err) {
        diag.warn(`transcriber: purging cache ${cache.name} failed`, err);
        actions.push({ action: 'purge-cache', cache: cache.name, error: String(err) });
      }
    }
  }
  if (options.gc !== false) {
    try {
      const run = await collectGarbage();
      actions.push({ action: 'gc', method: run.method, durationMs: round(run.durationMs) });
    } catch (err) {
      diag.warn('transcriber: garbage collection failed', err);
      actions.push({ action: 'gc', error: String(err) });
    }
  }
  const after = memorySnapshot();
  return {
    basis: 'measured',
    freedMb: round(memoryInUseMb(before) - memoryInUseMb(after)),
    rssFreedMb: round(before.rssMb - after.rssMb),
    before: roundSnapshot(before),
    after: roundSnapshot(after),
    actions,
  };
}

function roundSnapshot(s: MemorySnapshot): MemorySnapshot {
  return {
    basis: s.basis,
    rssMb: round(s.rssMb),
    heapUsedMb: round(s.heapUsedMb),
    heapTotalMb: round(s.heapTotalMb),
    externalMb: round(s.externalMb),
    arrayBuffersMb: round(s.arrayBuffersMb),
  };
}
