import { context } from '@opentelemetry/api';
import { isPromise } from 'node:util/types';
import { OperationHandle } from './operationHandle';
import { operationKeyFor } from './operationKey';

/**
 * Times one component operation as a span `<component>.<operation>`, a duration histogram point,
 * an operation counter and, on failure, an error counter.
 *
 * - `timeOperation(c, op, fn)` runs `fn(handle)` inside the operation's context (so operations it
 *   starts become child spans) and returns exactly what `fn` returns: a sync result stays sync, the
 *   same promise comes back for async work, and errors are rethrown unchanged.
 * - `timeOperation(c, op)` returns an {@link OperationHandle} to `end()` (or to `using`). A handle
 *   cannot make itself the active context for the code after it (Node has no safe way to do that),
 *   so start nested operations with `handle.run(() => ...)`.
 */
export function timeOperation(component: string, operation: string): OperationHandle;
export function timeOperation<T>(component: string, operation: string, fn: (operation: OperationHandle) => T): T;
export function timeOperation<T>(
  component: string,
  operation: string,
  fn?: (operation: OperationHandle) => T,
): T | OperationHandle {
  const handle = new OperationHandle(operationKeyFor(component, operation), context.active());
  return fn === undefined ? handle : runTimed(handle, fn);
}

function runTimed<T>(handle: OperationHandle, fn: (operation: OperationHandle) => T): T {
  let result: T;
  try {
    result = context.with(handle.context, fn, undefined, handle);
  } catch (err) {
    handle.end(err ?? new Error('undefined was thrown'));
    throw err;
  }
  // Only native promises: calling `then` on an arbitrary thenable may start work (lazy query
  // builders), which would change the app's behaviour. Such values are timed as sync calls.
  if (isPromise(result)) {
    // Handlers on a side branch: the caller gets its own promise back, untouched, and its own
    // handlers see the rejection unchanged. One difference cannot be avoided while returning the
    // same promise: ours counts as a handler, so a rejection the app never handles is no longer
    // reported as `unhandledRejection`.
    result.then(
      () => handle.end(),
      (err: unknown) => handle.end(err ?? new Error('promise rejected with undefined')),
    );
  } else {
    handle.end();
  }
  return result;
}
