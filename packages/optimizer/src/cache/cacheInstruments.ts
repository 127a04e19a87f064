import {
  metrics,
  type BatchObservableResult,
  type Histogram,
  type MeterProvider,
  type ObservableCounter,
} from '@opentelemetry/api';
import {
  ATTR_CACHE_EVICTION_REASON,
  ATTR_CACHE_NAME,
  METRIC_MODEL_CACHE_EVICTIONS,
  METRIC_MODEL_CACHE_HITS,
  METRIC_MODEL_CACHE_LOAD_DURATION,
  METRIC_MODEL_CACHE_MISSES,
  OPERATION_DURATION_BUCKETS_S,
} from '@transcriber/instrumentation';

export type EvictionReason = 'capacity' | 'oversize' | 'purge';

/** What a cache has counted since it was made; read when the SDK collects. */
export interface CacheCounts {
  readonly name: string;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: Readonly<Record<EvictionReason, number>>;
}

const SCOPE = '@transcriber/optimizer';
const REASONS: readonly EvictionReason[] = ['capacity', 'oversize', 'purge'];

// Hits are the hot path: a cache counts them in a plain field, and observable counters read the
// counts of every live cache when the SDK collects (a counter `add` would cost ~1 µs per hit).
// Caches are held weakly, so a cache the app drops is not kept alive by its metrics.
const tracked = new Set<WeakRef<CacheCounts>>();
let provider: MeterProvider | undefined;
let loadDuration: Histogram | undefined;

/** Includes `cache` in the model-cache metrics. */
export function trackCache(cache: CacheCounts): void {
  tracked.add(new WeakRef(cache));
}

/**
 * The load-duration histogram on the current global meter provider, with the counters observed on
 * it. The metrics API has no proxy (a meter taken before the SDK starts stays a no-op), so both are
 * set up again when the provider changes: one pointer compare per call.
 */
export function cacheLoadDuration(): Histogram {
  const current = metrics.getMeterProvider();
  if (loadDuration === undefined || current !== provider) {
    const meter = current.getMeter(SCOPE, '0.1.0');
    loadDuration = meter.createHistogram(METRIC_MODEL_CACHE_LOAD_DURATION, {
      description: 'Duration of model loads',
      unit: 's',
      advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS_S] },
    });
    const hits = meter.createObservableCounter(METRIC_MODEL_CACHE_HITS, {
      description: 'Model cache requests served without starting a load',
      unit: '{request}',
    });
    const misses = meter.createObservableCounter(METRIC_MODEL_CACHE_MISSES, {
      description: 'Model cache requests that started a load',
      unit: '{request}',
    });
    const evictions = meter.createObservableCounter(METRIC_MODEL_CACHE_EVICTIONS, {
      description: 'Entries removed from a model cache',
      unit: '{entry}',
    });
    meter.addBatchObservableCallback((result) => observe(result, hits, misses, evictions), [hits, misses, evictions]);
    provider = current;
  }
  return loadDuration;
}

function observe(
  result: BatchObservableResult,
  hits: ObservableCounter,
  misses: ObservableCounter,
  evictions: ObservableCounter,
): void {
  // Caches sharing a name are one series: their counts are added up.
  const byName = new Map<string, { hits: number; misses: number; evictions: Record<EvictionReason, number> }>();
  for (const ref of tracked) {
    const cache = ref.deref();
    if (cache === undefined) {
      tracked.delete(ref);
      continue;
    }
    let sum = byName.get(cache.name);
    if (sum === undefined)
      byName.set(cache.name, (sum = { hits: 0, misses: 0, evictions: { capacity: 0, oversize: 0, purge: 0 } }));
    sum.hits += cache.hits;
    sum.misses += cache.misses;
    for (const reason of REASONS) sum.evictions[reason] += cache.evictions[reason];
  }
  for (const [name, sum] of byName) {
    const attributes = { [ATTR_CACHE_NAME]: name };
    result.observe(hits, sum.hits, attributes);
    result.observe(misses, sum.misses, attributes);
    for (const reason of REASONS) {
      if (sum.evictions[reason] > 0) {
        result.observe(evictions, sum.evictions[reason], { ...attributes, [ATTR_CACHE_EVICTION_REASON]: reason });
      }
    }
  }
}
