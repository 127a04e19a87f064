/** What a cache purge released, by the cache's own accounting. */
export interface PurgeResult {
  entries: number;
  bytes: number;
}

/**
 * A cache the optimizer may empty to release memory (`ResourceOptimizer.registerCache`).
 * `ModelCache` is one; an app can register its own.
 */
export interface PurgeableCache {
  readonly name: string;
  /**
   * Drops entries: all of them, or with `idleForMs` only those not used for that long (what
   * automatic optimization asks for, so a model in use is never dropped under the app).
   */
  purge(idleForMs?: number): PurgeResult;
}
