import { diag } from '@opentelemetry/api';
import type { OperationHandle } from '@transcriber/instrumentation';
import { isPromise } from 'node:util/types';

/** A resource method of the `openai` SDK, e.g. `Chat.Completions.prototype.create`. */
export type CreateMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps an SDK method as one component operation: `start` opens the operation for the call's
 * parameters, the call runs inside it (spans started by the call nest under it), and
 * `settle` gets the result and ends the operation, at once or later (when a stream ends, when the
 * first audio byte arrives). The app gets back exactly what the method returned (the SDK's own
 * `APIPromise`), and its errors unchanged.
 */
export function timedCreate<P>(
  original: CreateMethod,
  start: (params: P | undefined) => OperationHandle,
  settle: (operation: OperationHandle, result: unknown, params: P | undefined) => void,
): CreateMethod {
  return function (this: unknown, ...args: unknown[]) {
    const params = args[0] as P | undefined;
    let operation: OperationHandle;
    try {
      operation = start(params);
    } catch (err) {
      diag.debug('transcriber: starting an openai operation failed', err);
      return original.apply(this, args);
    }
    let returned: unknown;
    try {
      returned = operation.run(() => original.apply(this, args));
    } catch (err) {
      operation.end(err);
      throw err;
    }
    if (!isPromise(returned)) {
      operation.end();
      return returned;
    }
    returned.then(
      (result) => {
        try {
          settle(operation, result, params);
        } catch (err) {
          diag.debug('transcriber: reading an openai result failed', err);
          operation.end();
        }
      },
      (err: unknown) => operation.end(err ?? new Error('rejected with undefined')),
    );
    return returned;
  };
}
