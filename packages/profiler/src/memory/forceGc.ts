import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * Runs a full, synchronous garbage collection. The inspector's `HeapProfiler.collectGarbage`
 * collects on a later task in this V8 (so it cannot bracket synchronous code), hence V8's `gc`
 * extension: `global.gc` when Node runs with --expose-gc, otherwise taken from a fresh context
 * after enabling the flag, as Jest's leak detector does. The app's own global is not touched.
 */
export function forceGc(): void {
  gc ??= typeof globalThis.gc === 'function' ? globalThis.gc : exposeGc();
  gc();
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    // Cleared at once: left set, every context created later (the app's vm contexts, a test
    // runner's) would get a non-deletable `gc` global.
    setFlagsFromString('--no-expose-gc');
  }
}
