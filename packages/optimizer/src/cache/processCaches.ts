import type { PurgeableCache } from './purgeableCache';

// Memory is the process's, not one optimizer's: caches are registered process-wide, so the
// optimizer the preload runs for `transcriber optimize --apply memory --pid` purges the caches the
// app registered through its own PerformanceIntegration or ResourceOptimizer.
const REGISTRY_KEY = Symbol.for('transcriber.optimizer.caches');
type Holder = { [REGISTRY_KEY]?: Set<PurgeableCache> };

function registry(): Set<PurgeableCache> {
  const holder = globalThis as Holder;
  return (holder[REGISTRY_KEY] ??= new Set());
}

/** Registers `cache` for this process's memory optimizations; returns the function that unregisters it. */
export function registerProcessCache(cache: PurgeableCache): () => void {
  registry().add(cache);
  return () => {
    registry().delete(cache);
  };
}

/** The caches registered in this process, in registration order. */
export function processCaches(): PurgeableCache[] {
  return [...registry()];
}
