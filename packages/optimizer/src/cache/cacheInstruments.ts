import { metrics, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import {
  METRIC_MODEL_CACHE_EVICTIONS,
  METRIC_MODEL_CACHE_HITS,
  METRIC_MODEL_CACHE_LOAD_DURATION,
  METRIC_MODEL_CACHE_MISSES,
  OPERATION_DURATION_BUCKETS_S,
} from '@transcriber/instrumentation';

export interface CacheInstruments {
  readonly hits: Counter;
  readonly misses: Counter;
  readonly evictions: Counter;
  readonly loadDuration: Histogram;
}

const SCOPE = '@transcriber/optimizer';
let provider: MeterProvider | undefined;
let instruments: CacheInstruments | undefined;

/**
 * The model-cache instruments on the current global meter provider. The metrics API has no proxy:
 * a meter taken before the SDK starts stays a no-op, so they are re-created when the provider changes.
 */
export function getCacheInstruments(): CacheInstruments {
  const current = metrics.getMeterProvider();
  if (instruments === undefined || current !== provider) {
    const meter = current.getMeter(SCOPE, '0.1.0');
    instruments = {
      hits: meter.createCounter(METRIC_MODEL_CACHE_HITS, {
        description: 'Model cache requests served without starting a load',
        unit: '{request}',
      }),
      misses: meter.createCounter(METRIC_MODEL_CACHE_MISSES, {
        description: 'Model cache requests that started a load',
        unit: '{request}',
      }),
      evictions: meter.createCounter(METRIC_MODEL_CACHE_EVICTIONS, {
        description: 'Entries removed from a model cache',
        unit: '{entry}',
      }),
      loadDuration: meter.createHistogram(METRIC_MODEL_CACHE_LOAD_DURATION, {
        description: 'Duration of model loads',
        unit: 's',
        advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS_S] },
      }),
    };
    provider = current;
  }
  return instruments;
}
