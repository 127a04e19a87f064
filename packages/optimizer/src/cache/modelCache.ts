import { diag, type Attributes } from '@opentelemetry/api';
import { ATTR_CACHE_NAME, ATTR_ERROR_TYPE, errorTypeOf } from '@transcriber/instrumentation';
import { OptimizerInputError } from '../optimizerInputError';
import { cacheLoadDuration, trackCache, type CacheCounts, type EvictionReason } from './cacheInstruments';
import type { PurgeableCache, PurgeResult } from './purgeableCache';

export interface ModelCacheOptions<V> {
  /** Tells caches apart in metrics and in the optimization log. */
  name: string;
  /** Budget for the sizes of the values held, bytes. */
  maxBytes: number;
  /**
   * Size of a value, bytes. Default: `byteLength` of Buffers, typed arrays and ArrayBuffers; any
   * other value needs this function.
   */
  sizeOf?: (value: V, key: string) => number;
}

/** Counters since the cache was made. */
export interface ModelCacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  hits: number;
  misses: number;
  evictions: number;
  loading: number;
}

interface Entry<V> {
  value: V;
  bytes: number;
  lastUsedMs: number;
  /** Order of last use: the lowest is the least recently used. */
  lastUse: number;
}

/**
 * A least-recently-used cache of loaded models (or any costly values) with a byte budget.
 * `get(key, load)` returns the cached value or loads it; concurrent requests for a key being loaded
 * share that one load. Hits, misses, evictions and load durations are OTel metrics
 * (`transcriber.model_cache.*`, attribute `transcriber.cache.name`).
 */
export class ModelCache<V> implements PurgeableCache, CacheCounts {
  readonly name: string;
  readonly maxBytes: number;
  private readonly sizeOf: (value: V, key: string) => number;
  private readonly entries = new Map<string, Entry<V>>();
  private uses = 0;
  private readonly loading = new Map<string, Promise<V>>();
  private readonly attributes: Attributes;
  private bytes = 0;
  /** Counts since the cache was made, read by the metrics when the SDK collects (`stats()` sums them up). */
  hits = 0;
  misses = 0;
  readonly evictions: Record<EvictionReason, number> = { capacity: 0, oversize: 0, purge: 0 };

  constructor(options: ModelCacheOptions<V>) {
    if (typeof options?.name !== 'string' || options.name === '') {
      throw new OptimizerInputError('ModelCache needs a name');
    }
    if (typeof options.maxBytes !== 'number' || !Number.isFinite(options.maxBytes) || options.maxBytes <= 0) {
      throw new OptimizerInputError(
        `invalid maxBytes ${String(options.maxBytes)} for ModelCache "${options.name}": expected a positive number of bytes`,
      );
    }
    this.name = options.name;
    this.maxBytes = options.maxBytes;
    this.sizeOf = options.sizeOf ?? ((value) => byteLengthOf(value, this.name));
    this.attributes = { [ATTR_CACHE_NAME]: this.name };
    trackCache(this);
    cacheLoadDuration(); // observes the counters on the SDK running now
  }

  /** The value of `key`, loaded by `load` when not cached (one load per key at a time). */
  get(key: string, load: (key: string) => V | Promise<V>): Promise<V> {
    cacheLoadDuration(); // one pointer compare: the counters follow an SDK started after the cache
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.touch(entry);
      this.hits++;
      return Promise.resolve(entry.value);
    }
    const inFlight = this.loading.get(key);
    if (inFlight !== undefined) {
      this.hits++;
      return inFlight;
    }
    this.misses++;
    const loaded = this.load(key, load);
    this.loading.set(key, loaded);
    // Removed whatever the outcome; the rejection itself reaches every caller of `get`.
    loaded.then(
      () => this.loading.delete(key),
      () => this.loading.delete(key),
    );
    return loaded;
  }

  /** The cached value without loading or counting (undefined when not cached). */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
    return true;
  }

  purge(idleForMs?: number): PurgeResult {
    const now = performance.now();
    let entries = 0;
    let bytes = 0;
    for (const [key, entry] of this.entries) {
      if (idleForMs !== undefined && now - entry.lastUsedMs < idleForMs) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
      entries++;
      bytes += entry.bytes;
    }
    if (entries > 0) this.evicted(entries, 'purge');
    return { entries, bytes };
  }

  stats(): ModelCacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions.capacity + this.evictions.oversize + this.evictions.purge,
      loading: this.loading.size,
    };
  }

  private async load(key: string, load: (key: string) => V | Promise<V>): Promise<V> {
    const start = performance.now();
    let value: V;
    try {
      value = await load(key);
    } catch (err) {
      this.recordLoad(start, { ...this.attributes, [ATTR_ERROR_TYPE]: errorTypeOf(err) });
      throw err;
    }
    this.recordLoad(start, this.attributes);
    this.store(key, value);
    return value;
  }

  private store(key: string, value: V): void {
    const bytes = this.sizeOf(value, key);
    if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
      throw new OptimizerInputError(`ModelCache "${this.name}": sizeOf returned ${String(bytes)} for "${key}"`);
    }
    this.delete(key);
    if (bytes > this.maxBytes) {
      diag.warn(
        `transcriber: ModelCache "${this.name}": "${key}" (${bytes} B) is larger than the whole budget (${this.maxBytes} B); not cached`,
      );
      this.evicted(1, 'oversize');
      return;
    }
    this.entries.set(key, { value, bytes, lastUsedMs: performance.now(), lastUse: ++this.uses });
    this.bytes += bytes;
    let evicted = 0;
    while (this.bytes > this.maxBytes) {
      // A scan of the few models a cache holds, on the rare store that overflows, keeps hits to a
      // counter and a timestamp instead of reordering a list on every one.
      let oldest: string | undefined;
      let oldestUse = Infinity;
      for (const [k, e] of this.entries) {
        if (k !== key && e.lastUse < oldestUse) {
          oldest = k;
          oldestUse = e.lastUse;
        }
      }
      if (oldest === undefined) break;
      this.delete(oldest);
      evicted++;
    }
    if (evicted > 0) this.evicted(evicted, 'capacity');
  }

  private touch(entry: Entry<V>): void {
    entry.lastUsedMs = performance.now();
    entry.lastUse = ++this.uses;
  }

  private evicted(entries: number, reason: EvictionReason): void {
    this.evictions[reason] += entries;
  }

  private recordLoad(startMs: number, attributes: Attributes): void {
    try {
      cacheLoadDuration().record((performance.now() - startMs) / 1000, attributes);
    } catch (err) {
      diag.error('transcriber: recording a cache metric failed', err);
    }
  }
}

function byteLengthOf(value: unknown, cache: string): number {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.byteLength;
  throw new OptimizerInputError(
    `ModelCache "${cache}": cannot tell the size of ${value === null ? 'null' : typeof value} values; give sizeOf`,
  );
}
