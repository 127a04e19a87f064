import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  ATTR_CACHE_EVICTION_REASON,
  ATTR_CACHE_NAME,
  ATTR_ERROR_TYPE,
  METRIC_MODEL_CACHE_EVICTIONS,
  METRIC_MODEL_CACHE_HITS,
  METRIC_MODEL_CACHE_LOAD_DURATION,
  METRIC_MODEL_CACHE_MISSES,
} from '@transcriber/instrumentation';
import { ModelCache, OptimizerInputError } from '@transcriber/optimizer';

const KB = 1024;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('ModelCache', () => {
  it('returns cached values and keeps the least recently used within the byte budget', async () => {
    const cache = new ModelCache<Uint8Array>({ name: 'lru', maxBytes: 30 * KB });
    const loads: string[] = [];
    const load = (key: string) => {
      loads.push(key);
      return new Uint8Array(10 * KB);
    };
    const a = await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(await cache.get('a', load)).toBe(a); // a is now the most recently used
    await cache.get('d', load); // over budget: b, the least recently used, goes
    expect(loads).toEqual(['a', 'b', 'c', 'd']);
    expect(cache.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((k) => cache.has(k))).toBe(true);
    expect(cache.stats()).toEqual({
      entries: 3,
      bytes: 30 * KB,
      maxBytes: 30 * KB,
      hits: 1,
      misses: 4,
      evictions: 1,
      loading: 0,
    });
  });

  it('shares one load between concurrent requests for a key', async () => {
    const cache = new ModelCache<Buffer>({ name: 'shared', maxBytes: KB * KB });
    let loads = 0;
    const load = async () => {
      loads++;
      await sleep(20);
      return Buffer.alloc(KB);
    };
    const values = await Promise.all([cache.get('m', load), cache.get('m', load), cache.get('m', load)]);
    expect(loads).toBe(1);
    expect(values[1]).toBe(values[0]);
    expect(values[2]).toBe(values[0]);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1, loading: 0 });
  });

  it('passes a failed load to every waiter and caches nothing, so the next request retries', async () => {
    const cache = new ModelCache<Buffer>({ name: 'failing', maxBytes: KB * KB });
    let attempts = 0;
    const flaky = async () => {
      attempts++;
      await sleep(5);
      if (attempts === 1) throw new RangeError('download interrupted');
      return Buffer.alloc(KB);
    };
    const both = await Promise.allSettled([cache.get('m', flaky), cache.get('m', flaky)]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((both[0] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect(cache.has('m')).toBe(false);
    await expect(cache.get('m', flaky)).resolves.toHaveLength(KB);
    expect(attempts).toBe(2);
  });

  it('does not cache a value larger than the whole budget, and sizes other values with sizeOf', async () => {
    const cache = new ModelCache<{ weights: Float32Array }>({
      name: 'sized',
      maxBytes: 8 * KB,
      sizeOf: (model) => model.weights.byteLength,
    });
    const big = await cache.get('big', () => ({ weights: new Float32Array(4 * KB) }));
    expect(big.weights.length).toBe(4 * KB);
    expect(cache.has('big')).toBe(false);
    await cache.get('small', () => ({ weights: new Float32Array(KB) }));
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 4 * KB, evictions: 1 });
    const unsized = new ModelCache<object>({ name: 'unsized', maxBytes: KB });
    await expect(unsized.get('x', () => ({}))).rejects.toThrow(
      'ModelCache "unsized": cannot tell the size of object values; give sizeOf',
    );
  });

  it('rejects a bad configuration', () => {
    expect(() => new ModelCache({ name: 'x', maxBytes: 0 })).toThrow(OptimizerInputError);
    expect(() => new ModelCache({ name: '', maxBytes: 10 })).toThrow('ModelCache needs a name');
  });

  describe('metrics', () => {
    let exporter: InMemoryMetricExporter;
    let reader: PeriodicExportingMetricReader;
    let provider: MeterProvider;

    beforeEach(() => {
      exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
      provider = new MeterProvider({ readers: [reader] });
      metrics.setGlobalMeterProvider(provider);
    });

    afterEach(async () => {
      await provider.shutdown();
      metrics.disable();
    });

    async function collected(): Promise<MetricData[]> {
      await reader.forceFlush();
      return (
        exporter
          .getMetrics()
          .at(-1)
          ?.scopeMetrics.flatMap((s) => s.metrics) ?? []
      );
    }

    function sumOf(all: MetricData[], name: string, attributes: Record<string, unknown>): number {
      const metric = all.find((m) => m.descriptor.name === name);
      return (metric?.dataPoints ?? [])
        .filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
        .reduce((n, p) => n + (p.value as number), 0);
    }

    it('counts hits, misses and evictions by cache and reason, and records load durations', async () => {
      const cache = new ModelCache<Uint8Array>({ name: 'tts-voices', maxBytes: 2 * KB });
      const slowLoad = async () => {
        await sleep(30);
        return new Uint8Array(KB);
      };
      await Promise.all([cache.get('en', slowLoad), cache.get('en', slowLoad)]);
      await cache.get('en', slowLoad);
      await cache.get('de', slowLoad);
      await cache.get('fr', slowLoad); // evicts en
      cache.purge();
      await expect(
        cache.get('xx', () => {
          throw new TypeError('no such voice');
        }),
      ).rejects.toThrow(TypeError);

      const all = await collected();
      const named = { [ATTR_CACHE_NAME]: 'tts-voices' };
      expect(sumOf(all, METRIC_MODEL_CACHE_HITS, named)).toBe(2);
      expect(sumOf(all, METRIC_MODEL_CACHE_MISSES, named)).toBe(4);
      expect(sumOf(all, METRIC_MODEL_CACHE_EVICTIONS, { ...named, [ATTR_CACHE_EVICTION_REASON]: 'capacity' })).toBe(1);
      expect(sumOf(all, METRIC_MODEL_CACHE_EVICTIONS, { ...named, [ATTR_CACHE_EVICTION_REASON]: 'purge' })).toBe(2);

      const loads = all.find((m) => m.descriptor.name === METRIC_MODEL_CACHE_LOAD_DURATION) as HistogramMetricData;
      expect(loads.dataPointType).toBe(DataPointType.HISTOGRAM);
      expect(loads.descriptor.unit).toBe('s');
      const ok = loads.dataPoints.find((p) => p.attributes[ATTR_ERROR_TYPE] === undefined)!;
      expect(ok.value.count).toBe(3);
      expect(ok.value.min).toBeGreaterThanOrEqual(0.025);
      const failed = loads.dataPoints.find((p) => p.attributes[ATTR_ERROR_TYPE] === 'TypeError')!;
      expect(failed.value.count).toBe(1);
    });

    it('records into an SDK started after the cache was made', async () => {
      await provider.shutdown();
      metrics.disable();
      const cache = new ModelCache<Uint8Array>({ name: 'early', maxBytes: KB });
      await cache.get('a', () => new Uint8Array(1)); // no SDK yet: a no-op meter
      exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
      provider = new MeterProvider({ readers: [reader] });
      metrics.setGlobalMeterProvider(provider);
      await cache.get('a', () => new Uint8Array(1));
      expect(sumOf(await collected(), METRIC_MODEL_CACHE_HITS, { [ATTR_CACHE_NAME]: 'early' })).toBe(1);
    });
  });
});
