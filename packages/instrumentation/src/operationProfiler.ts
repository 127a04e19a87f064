/**
 * The contract between the instrumentation (which knows when an operation runs) and a profiler
 * (which knows how to profile it). The profiler package registers an implementation; without
 * one, `enableProfiling` on the decorator simply times the operation.
 */
export interface OperationProfiler {
  /**
   * Runs `fn` for `component`/`operation`, profiling it if the profiler's sampling decides so.
   * Must return exactly what `fn` returns (same promise for async work) and rethrow its errors.
   */
  profile<T>(component: string, operation: string, fn: () => T): T;
}

// Kept on a global symbol so two copies of this package in one process share the registration.
const KEY = Symbol.for('transcriber.instrumentation.operationProfiler');
type Holder = { [KEY]?: OperationProfiler };

/** Registers the profiler used by `enableProfiling`; `undefined` removes it. */
export function setOperationProfiler(profiler: OperationProfiler | undefined): void {
  (globalThis as Holder)[KEY] = profiler;
}

export function getOperationProfiler(): OperationProfiler | undefined {
  return (globalThis as Holder)[KEY];
}
