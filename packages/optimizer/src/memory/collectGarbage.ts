import { diag } from '@opentelemetry/api';
import { Session } from 'node:inspector/promises';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** How a full garbage collection was obtained. */
export type GcMethod = 'global.gc' | 'expose-gc' | 'inspector';

export interface GcRun {
  method: GcMethod;
  /** Time the two collections took, ms: the main thread's pause (the turn between them not counted). */
  durationMs: number;
}

type GcFunction = () => void;
let exposedGc: GcFunction | null | undefined;

/**
 * A `gc()` function without `--expose-gc` on the command line: with the flag set at run time, V8
 * installs `gc` in contexts created afterwards, so a new vm context hands one out. The flag is
 * cleared straight away, so contexts the app creates later (vm, test runners) do not get a `gc`
 * global; the app's own global scope is never touched. Null when V8 refuses.
 */
export function exposeGcFunction(): GcFunction | null {
  if (exposedGc !== undefined) return exposedGc;
  try {
    v8.setFlagsFromString('--expose-gc');
    try {
      const fn = vm.runInNewContext('gc') as unknown;
      exposedGc = typeof fn === 'function' ? (fn as GcFunction) : null;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  } catch (err) {
    diag.debug('transcriber: --expose-gc at run time failed', err);
    exposedGc = null;
  }
  return exposedGc;
}

/** Full collection through the inspector protocol (works wherever the inspector module does). */
export async function collectGarbageWithInspector(): Promise<void> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
  }
}

/**
 * Runs two full collections, a turn of the event loop apart: memory held outside the heap
 * (Buffers, ArrayBuffers) is released by callbacks of the first and accounted after the second.
 * Uses `global.gc` when the app exposed it, else `gc` obtained at run time, else the inspector.
 */
export async function collectGarbage(method?: GcMethod): Promise<GcRun> {
  const chosen = method ?? pickMethod();
  const once = async () => {
    if (chosen === 'inspector') return collectGarbageWithInspector();
    const fn = chosen === 'global.gc' ? globalGc() : exposeGcFunction();
    if (fn === undefined || fn === null) throw new Error(`garbage collection through ${chosen} is not available`);
    fn();
  };
  let pausedMs = 0;
  for (let pass = 0; pass < 2; pass++) {
    const start = performance.now();
    await once();
    pausedMs += performance.now() - start;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { method: chosen, durationMs: pausedMs };
}

function pickMethod(): GcMethod {
  if (globalGc() !== undefined) return 'global.gc';
  if (exposeGcFunction() !== null) return 'expose-gc';
  return 'inspector';
}

function globalGc(): GcFunction | undefined {
  const fn = (globalThis as { gc?: unknown }).gc;
  return typeof fn === 'function' ? (fn as GcFunction) : undefined;
}
