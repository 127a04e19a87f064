import { COMPONENT_TYPES, isComponentType } from '@transcriber/instrumentation';
import { BenchmarkInputError } from '../benchmarkInputError';
import type { BenchmarkOptions } from '../types';

/** A benchmark's options with every default filled in. */
export interface BenchmarkSpec extends Required<Omit<BenchmarkOptions, 'onProgress'>> {
  onProgress: BenchmarkOptions['onProgress'];
}

export interface BenchmarkDefaults {
  iterations: number;
  timeoutMs: number;
}

/** Checks a benchmark's options and fills in defaults; throws BenchmarkInputError naming the bad one. */
export function validateOptions(options: BenchmarkOptions, defaults: BenchmarkDefaults): BenchmarkSpec {
  if (options === null || typeof options !== 'object')
    throw new BenchmarkInputError('benchmark options must be an object');
  const { name, component, fn, metadata } = options;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new BenchmarkInputError(`benchmark name must be a non-empty string, got ${describe(name)}`);
  }
  if (!isComponentType(component)) {
    throw new BenchmarkInputError(
      `unknown component ${describe(component)} for benchmark "${name}"; expected one of: ${COMPONENT_TYPES.join(', ')}`,
    );
  }
  if (typeof fn !== 'function')
    throw new BenchmarkInputError(`benchmark "${name}": fn must be a function, got ${describe(fn)}`);
  const iterations = options.iterations ?? defaults.iterations;
  checkWhole(name, 'iterations', iterations, 1);
  const warmupIterations = options.warmupIterations ?? Math.min(10, Math.ceil(iterations / 10));
  checkWhole(name, 'warmupIterations', warmupIterations, 0);
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new BenchmarkInputError(
      `benchmark "${name}": timeoutMs must be a positive number, got ${describe(timeoutMs)}`,
    );
  }
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new BenchmarkInputError(`benchmark "${name}": metadata must be a plain object, got ${describe(metadata)}`);
  }
  try {
    JSON.stringify(metadata ?? {});
  } catch (err) {
    throw new BenchmarkInputError(`benchmark "${name}": metadata cannot be stored as JSON (${(err as Error).message})`);
  }
  return {
    name,
    component,
    fn,
    iterations,
    warmupIterations,
    timeoutMs,
    metadata: metadata ?? {},
    onProgress: options.onProgress,
  };
}

function checkWhole(name: string, field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new BenchmarkInputError(
      `benchmark "${name}": ${field} must be a whole number of at least ${min}, got ${describe(value)}`,
    );
  }
}

function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
