import type { BenchmarkResult, BenchRunProblem } from '@transcriber/benchmarks';

// The result of `transcriber benchmark`: what ran, where, and each benchmark's figures.

/** One benchmark's result as shown and exported: everything but the raw samples (they are in the database). */

export type BenchmarkRow = BenchmarkResult extends infer R
  ? R extends BenchmarkResult
    ? Omit<R, 'samples' | 'environment' | 'environmentKey'> & { file: string; sampleCount: number }
    : never
  : never;

export interface BenchmarkRunView {
  cwd: string;
  /** The glob patterns searched (benchmarkFiles of the configuration). */
  patterns: readonly string[];
  /** Bench files found, relative to cwd. */
  files: string[];
  component: string | null;
  environment: BenchmarkResult['environment'];
  environmentKey: string;
  results: BenchmarkRow[];
  problems: BenchRunProblem[];
  failOnRegression: boolean;
}
