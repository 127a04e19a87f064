import { COMPONENT_TYPES, isComponentType } from '@transcriber/instrumentation';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchmarkFn } from '../types';
import type { BenchmarkDefinition } from './defineBenchmarks';
import { ensureTypeScriptHook } from './typescriptHook';

// Node's own require, also under a test runner that has its own module system.
const requireFile = createRequire(__filename);

/** A bench file that could not be loaded or does not have the expected shape. */
export class BenchFileError extends Error {
  readonly file: string;
  /** What is wrong, without the file name. */
  readonly reason: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.name = 'BenchFileError';
    this.file = file;
    this.reason = reason;
  }
}

/** A loaded bench file: its component and its benchmarks in the order they are defined. */
export interface LoadedBenchFile {
  file: string;
  component: string;
  benchmarks: (BenchmarkDefinition & { name: string })[];
  setup?: () => unknown;
  teardown?: () => unknown;
}

/**
 * Loads a bench file (`.ts` transpiled on load, `.js`/`.cjs` required, ESM imported) and checks
 * its shape. Everything that can go wrong — a throw while loading, a missing export, an unknown
 * component — comes out as a BenchFileError naming the file.
 */
export async function loadBenchFile(file: string): Promise<LoadedBenchFile> {
  let loaded: unknown;
  try {
    loaded = await importFile(path.resolve(file));
  } catch (err) {
    throw new BenchFileError(file, `failed to load: ${describeError(err)}`, { cause: err });
  }
  return checkShape(file, loaded);
}

async function importFile(file: string): Promise<unknown> {
  if (path.extname(file) === '.ts') ensureTypeScriptHook(file);
  try {
    // Node ≥ 20.19 requires ES modules too (synchronous ones), so one path serves every kind.
    return requireFile(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    // ESM on an older Node 20, or ESM with top-level await: only `import()` loads those.
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') return import(pathToFileURL(file).href);
    throw err;
  }
}

function checkShape(file: string, loaded: unknown): LoadedBenchFile {
  const exports = asObject(loaded);
  const fromDefault = asObject(exports?.default);
  const definition = fromDefault !== undefined && 'benchmarks' in fromDefault ? fromDefault : exports;
  const fail = (message: string): never => {
    throw new BenchFileError(file, `${message}; see "Writing bench files" in the README`);
  };
  if (definition === undefined || !('benchmarks' in definition)) {
    return fail('exports no benchmarks (expected `export default defineBenchmarks({ component, benchmarks })`)');
  }
  const { component, benchmarks, setup, teardown } = definition;
  if (!isComponentType(component)) {
    return fail(`unknown component ${JSON.stringify(component)}; expected one of: ${COMPONENT_TYPES.join(', ')}`);
  }
  const entries = Object.entries(asObject(benchmarks) ?? {});
  if (entries.length === 0) return fail('`benchmarks` must be an object with at least one benchmark');
  const list = entries.map(([name, value]) => {
    if (typeof value === 'function') return { name, fn: value as BenchmarkFn };
    const spec = asObject(value);
    if (spec === undefined || typeof spec.fn !== 'function') {
      return fail(`benchmark "${name}" must be a function or an object with a \`fn\` function`);
    }
    return { ...(spec as unknown as BenchmarkDefinition), name };
  });
  for (const [hook, value] of [
    ['setup', setup],
    ['teardown', teardown],
  ] as const) {
    if (value !== undefined && typeof value !== 'function') fail(`\`${hook}\` must be a function`);
  }
  return {
    file,
    component,
    benchmarks: list,
    setup: setup as (() => unknown) | undefined,
    teardown: teardown as (() => unknown) | undefined,
  };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && (typeof value === 'object' || typeof value === 'function')
    ? (value as Record<string, unknown>)
    : undefined;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
