import type { BenchmarkFn } from '../types';

/** One benchmark of a bench file, when it needs more than a function. */
export interface BenchmarkDefinition {
  fn: BenchmarkFn;
  iterations?: number;
  warmupIterations?: number;
  timeoutMs?: number;
  metadata?: Record<string, unknown>;
}

/**
 * What a bench file exports (as its default export, or as named exports `component` and
 * `benchmarks`): the component its benchmarks measure and the benchmarks by name.
 */
export interface BenchFileDefinition {
  /** One of the component types: `audio_capture`, `vad`, `stt`, `agent`, `llm`, `tool`, `tts`, `audio_output`, `pipeline`. */
  component: string;
  benchmarks: Record<string, BenchmarkFn | BenchmarkDefinition>;
  /** Runs once before the file's benchmarks (load a model, open a connection); may be async. */
  setup?: () => unknown;
  /** Runs once after them, even when some failed; may be async. */
  teardown?: () => unknown;
}

/** Types a bench file's default export: `export default defineBenchmarks({ component: 'stt', benchmarks: {…} })`. */
export function defineBenchmarks<T extends BenchFileDefinition>(definition: T): T {
  return definition;
}
