import * as path from 'node:path';

/** Options of a {@link ProfilerManager}; plain values, never read from configuration here. */
export interface ProfilerOptions {
  /** Microseconds between CPU samples. Default 1000 (V8's default). */
  samplingIntervalUs?: number;
  /** Share (0–1) of operations `profile()` profiles. Default 1: every one. */
  sampleRate?: number;
  /** Memory profiling for operations profiled through `profile()` (the decorator hook). Default false. */
  enableMemory?: boolean;
  /** Where `.cpuprofile` / `.heapprofile` files go (made absolute). Default `<dataDir>/profiles`. */
  outputDir?: string;
  /** Write the raw profile files. Default true. */
  writeFiles?: boolean;
  /** Average bytes between heap samples. Default 32768 (V8's default). */
  heapSamplingIntervalBytes?: number;
  /** Hot spots kept per result. Default 20. */
  topFunctions?: number;
  /** Leak verdicts: runs needed (default 5), runs considered (default 8), growth per run (default 32 KiB). */
  leakMinRuns?: number;
  leakWindow?: number;
  leakThresholdBytes?: number;
  /** Random source of the sampling decision (tests make it deterministic). */
  random?: () => number;
}

export type ResolvedProfilerOptions = Required<Omit<ProfilerOptions, 'random'>> & { random: () => number };

export function resolveProfilerOptions(dataDir: string, options: ProfilerOptions): ResolvedProfilerOptions {
  const resolved: ResolvedProfilerOptions = {
    samplingIntervalUs: options.samplingIntervalUs ?? 1000,
    sampleRate: options.sampleRate ?? 1,
    enableMemory: options.enableMemory ?? false,
    // Absolute: the paths are reported to other processes (the CLI) with another working directory.
    outputDir: path.resolve(options.outputDir ?? path.join(dataDir, 'profiles')),
    writeFiles: options.writeFiles ?? true,
    heapSamplingIntervalBytes: options.heapSamplingIntervalBytes ?? 32768,
    topFunctions: options.topFunctions ?? 20,
    leakMinRuns: options.leakMinRuns ?? 5,
    leakWindow: options.leakWindow ?? 8,
    leakThresholdBytes: options.leakThresholdBytes ?? 32 * 1024,
    random: options.random ?? Math.random,
  };
  positiveInteger('samplingIntervalUs', resolved.samplingIntervalUs);
  positiveInteger('heapSamplingIntervalBytes', resolved.heapSamplingIntervalBytes);
  positiveInteger('topFunctions', resolved.topFunctions);
  positiveInteger('leakMinRuns', resolved.leakMinRuns);
  positiveInteger('leakWindow', resolved.leakWindow);
  if (resolved.leakWindow < resolved.leakMinRuns) {
    throw new RangeError(`leakWindow (${resolved.leakWindow}) must be at least leakMinRuns (${resolved.leakMinRuns})`);
  }
  if (!(resolved.sampleRate >= 0 && resolved.sampleRate <= 1)) {
    throw new RangeError(`sampleRate must be between 0 and 1, got ${String(options.sampleRate)}`);
  }
  if (!(resolved.leakThresholdBytes > 0)) {
    throw new RangeError(`leakThresholdBytes must be positive, got ${String(options.leakThresholdBytes)}`);
  }
  return resolved;
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
}
