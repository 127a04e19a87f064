import type { BenchmarkSuiteOptions } from '@transcriber/benchmarks';
import type { ProfilerOptions } from '@transcriber/profiler';
import type { PerformanceConfig } from './performanceConfig';

// The configuration turned into each component's options, here only: the modules take plain
// options and never read configuration themselves, and every place that makes one of them (the
// integration, the preload, the CLI) passes the same settings. Types only are imported: the light
// config entry loads no module of the profiler or the benchmarks.

/** A BenchmarkSuite's defaults: `defaultBenchmarkIterations`, `benchmarkTimeout` (s → ms). */
export function benchmarkSuiteOptions(config: PerformanceConfig): BenchmarkSuiteOptions {
  return { defaultIterations: config.defaultBenchmarkIterations, defaultTimeoutMs: config.benchmarkTimeout * 1000 };
}

/** A ProfilerManager's sampling: `profilingSampleRate`, `enableMemoryProfiling`. */
export function profilerOptions(config: PerformanceConfig): ProfilerOptions {
  return { sampleRate: config.profilingSampleRate, enableMemory: config.enableMemoryProfiling };
}
