import { context } from '@opentelemetry/api';
import { isPromise } from 'node:util/types';
import { OperationHandle } from './operationHandle';
import { operationKeyFor } from './operationKey';
import { TurnHandle } from './turnHandle';

/**
 * Times one component operation as a span `<component>.<operation>`, a duration histogram point,
 * an operation counter and, on failure, an error counter.
 *
 * - `timeOperation(c, op, fn)` runs `fn(handle)` inside the operation's context (so operations it
 *   starts become child spans) and returns what `fn` returns: a sync result stays sync, async work
 *   returns a promise settling with the same value or error (unhandled rejections stay unhandled),
 *   and errors are rethrown unchanged.
 * - `timeOperation(c, op)` returns an {@link OperationHandle} to `end()` (or to `using`). A handle
 *   cannot make itself the active context for the code after it (Node has no safe way to do that),
 *   so start nested operations with `handle.run(() => ...)`.
 * - `timeOperation('pipeline', 'turn', …)` is a voice turn: its handle is a {@link TurnHandle},
 *   which the operations nested in it report their marks and usage to.
 */
export function timeOperation(component: string, operation: string): OperationHandle;
export function timeOperation<T>(component: string, operation: string, fn: (operation: OperationHandle) => T): T;
export function timeOperation<T>(
  component: string,
  operation: string,
  fn?: (operation: OperationHandle) => T,
): T | OperationHandle {
  const key = operationKeyFor(component, operation);
  const handle = key.turn ? new TurnHandle(key, context.active()) : new OperationHandle(key, context.active());
  if (fn !== undefined) return runTimed(handle, fn);
  handle.watchLoop(); // a handle may be ended on a later turn of the loop
  return handle;
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
    handle.watchLoop();
    // The caller gets the promise chained from `fn`'s, settling with the same value or error.
    // Returning `fn`'s own promise with our handlers on a side branch would keep its identity but
    // mark a rejection as handled: an app that never handles it would no longer see
    // `unhandledRejection` (and, by Node's default, crash). Behaviour wins over identity.
    return result.then(
      (value: unknown) => {
        handle.end();
        return value;
      },
      (err: unknown) => {
        handle.end(err ?? new Error('promise rejected with undefined'));
        throw err;
      },
    ) as T;
  }
  handle.end();
  return result;
}
