import { diag } from '@opentelemetry/api';

type StreamLike = { iterator?: (...args: unknown[]) => AsyncIterator<unknown> };

/**
 * Watches an `openai` `Stream` as the app consumes it: `onItem` sees each item just before the app
 * does, `onEnd` is called once when the stream is done, fails, or the app stops early. The items
 * and their timing are untouched. It wraps the instance's `iterator`, which both iteration and
 * `tee()` go through. Returns false when `stream` is not such a stream.
 */
export function observeStream(
  stream: unknown,
  onItem: (item: unknown) => void,
  onEnd: (error?: unknown) => void,
): boolean {
  const target = stream as StreamLike | null;
  if (target === null || typeof target !== 'object' || typeof target.iterator !== 'function') return false;
  const original = target.iterator;
  target.iterator = function (this: unknown, ...args: unknown[]) {
    const inner = original.apply(this, args);
    let ended = false;
    const finish = (error?: unknown): void => {
      if (ended) return;
      ended = true;
      onEnd(error);
    };
    const observed: AsyncIterableIterator<unknown> = {
      async next(...nextArgs: [] | [unknown]) {
        let result: IteratorResult<unknown>;
        try {
          result = await inner.next(...nextArgs);
        } catch (err) {
          finish(err);
          throw err;
        }
        if (result.done) {
          finish();
        } else {
          try {
            onItem(result.value);
          } catch (err) {
            diag.debug('transcriber: observing a stream item failed', err);
          }
        }
        return result;
      },
      async return(value?: unknown) {
        finish();
        return inner.return !== undefined ? inner.return(value) : { done: true, value };
      },
      async throw(error?: unknown) {
        finish(error);
        if (inner.throw !== undefined) return inner.throw(error);
        throw error;
      },
      [Symbol.asyncIterator]() {
        return observed;
      },
    };
    return observed;
  };
  return true;
}
