import { BenchmarkSuite, type BenchmarkFn, type BenchmarkOptions, type BenchmarkResult } from '@transcriber/benchmarks';
import type { OperationHandle } from '@transcriber/instrumentation';
import { ResourceOptimizer, type AudioOptimizationOptions, type ComponentOptimization } from '@transcriber/optimizer';
import { ProfilerManager, type ProfilerContext } from '@transcriber/profiler';
import { loadConfig, type LoadConfigOptions } from '../config/loadConfig';
import { benchmarkSuiteOptions, profilerOptions } from '../config/componentOptions';
import type { PerformanceConfig } from '../config/performanceConfig';
import { PerformanceMonitor, type PerformanceSummary } from '../monitor/performanceMonitor';

export interface PerformanceIntegrationOptions extends Partial<PerformanceConfig> {
  /** Config file to read instead of `transcriber.config.json` in the working directory. */
  configFile?: string;
}

/**
 * The one object an app needs: `initialize()` starts (or joins) the OTel SDK with the SQLite
 * exporters and the monitor, `timeOperation` records component operations, `cleanup()` flushes
 * everything and shuts down.
 */
export class PerformanceIntegration {
  readonly config: PerformanceConfig;
  readonly monitor: PerformanceMonitor;
  private initialized = false;
  private profiler: ProfilerManager | undefined;
  private benchmarks: BenchmarkSuite | undefined;
  private resourceOptimizer: ResourceOptimizer | undefined;

  constructor(options: PerformanceIntegrationOptions = {}) {
    const { configFile, ...overrides } = options;
    const load: LoadConfigOptions = { overrides };
    if (configFile !== undefined) load.configFile = configFile;
    this.config = loadConfig(load).config;
    this.monitor = new PerformanceMonitor(this.config);
  }

  async initialize(): Promise<void> {
    if (this.initialized) return;
    this.initialized = true;
    await this.monitor.startMonitoring();
    // The profiler behind `monitorComponentPerformance(..., { enableProfiling: true })`.
    if (this.config.enableProfiling) this.profilerManager().register();
    // Only the safe actions (idle cache entries, garbage collection), on an unref'd timer.
    if (this.config.enableAutoOptimization) this.optimizer.startAutoOptimization(this.config.optimizationInterval);
  }

  /**
   * The optimizer of this data dir, made on first use: register caches with it (`registerCache`),
   * tune audio, release memory, get recommendations from what was recorded.
   */
  get optimizer(): ResourceOptimizer {
    this.resourceOptimizer ??= new ResourceOptimizer(this.config.dataDir);
    return this.resourceOptimizer;
  }

  /**
   * Runs the optimizer of `component`: audio_capture, vad and audio_output tune audio settings
   * (`settings` as for `optimizeAudioProcessing`, with `options.workload` to measure), memory
   * releases memory, pipeline recommends resource allocation. Other components come back as
   * `{ status: 'no-optimizer', message }` saying why; unknown names throw. Nothing is applied to
   * the app: suggested settings are returned.
   */
  optimizeComponent(
    component: string,
    settings?: unknown,
    options?: AudioOptimizationOptions,
  ): Promise<ComponentOptimization> {
    return this.optimizer.optimizeComponent(component, settings, options);
  }

  /**
   * Starts profiling one operation and returns its context (`stop()` it, or `using`/`await using`
   * it), or undefined when profiling is disabled or `profilingSampleRate` did not pick this one.
   * Memory profiling follows `enableMemoryProfiling` unless `options.enableMemory` says otherwise.
   */
  profileOperation(
    component: string,
    operation: string,
    options: { enableMemory?: boolean } = {},
  ): ProfilerContext | undefined {
    if (!this.config.enableProfiling) return undefined;
    const profiler = this.profilerManager();
    if (!profiler.shouldProfile()) return undefined;
    return profiler.context(component, operation, options).start();
  }

  timeOperation(component: string, operation: string): OperationHandle;
  timeOperation<T>(component: string, operation: string, fn: (operation: OperationHandle) => T): T;
  timeOperation<T>(component: string, operation: string, fn?: (operation: OperationHandle) => T): T | OperationHandle {
    return fn === undefined
      ? this.monitor.timeOperation(component, operation)
      : this.monitor.timeOperation(component, operation, fn);
  }

  getPerformanceSummary(): PerformanceSummary {
    return this.monitor.getPerformanceSummary();
  }

  /**
   * Benchmarks `fn` as an operation of `component` (`iterations` defaults to
   * `defaultBenchmarkIterations`, the time limit to `benchmarkTimeout`) and stores the result in
   * `benchmark_results.db`, compared with the history of the same benchmark. The benchmark's name
   * defaults to the component. With `pipeline` the result has each component's share of the time.
   */
  runComponentBenchmark(
    component: string,
    fn: BenchmarkFn,
    iterations?: number,
    options: Partial<
      Pick<BenchmarkOptions, 'name' | 'warmupIterations' | 'timeoutMs' | 'metadata' | 'onProgress'>
    > = {},
  ): Promise<BenchmarkResult> {
    // Made on first use, so that after initialize() its events go through the SDK's logger provider.
    this.benchmarks ??= new BenchmarkSuite(this.config.dataDir, benchmarkSuiteOptions(this.config));
    return this.benchmarks.runBenchmark({ ...options, name: options.name ?? component, component, fn, iterations });
  }

  private profilerManager(): ProfilerManager {
    // Made on first use, so that after initialize() its events go through the SDK's logger provider.
    this.profiler ??= new ProfilerManager(this.config.dataDir, profilerOptions(this.config));
    return this.profiler;
  }

  /** Flushes everything recorded to the databases and shuts the SDK down (if we started it). */
  async cleanup(): Promise<void> {
    const profiler = this.profiler;
    this.profiler = undefined;
    await profiler?.shutdown();
    const benchmarks = this.benchmarks;
    this.benchmarks = undefined;
    await benchmarks?.shutdown();
    // Kept (with its registered caches) for a later initialize(); stops its timer and flushes its log.
    await this.resourceOptimizer?.shutdown();
    if (!this.initialized) return;
    this.initialized = false;
    await this.monitor.stopMonitoring();
  }
}
