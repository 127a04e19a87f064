import { diag } from '@opentelemetry/api';
import { activeTurn, timeOperation, type OperationHandle } from '@transcriber/instrumentation';
import { isPromise } from 'node:util/types';
import { readUsage, type CallFields } from './callFields';

type Callable = (...args: unknown[]) => unknown;

/**
 * One call of a mapped function as a component operation, with the entry's marks and usage:
 * sync stays sync, errors are rethrown unchanged, an async result comes back as a promise settling
 * with the same value or error (chained, so an unhandled rejection stays unhandled), and a
 * `stream` result is the same object, observed as it is iterated.
 */
export function timedCall(
  original: Callable,
  self: unknown,
  args: unknown[],
  component: string,
  operation: string,
  fields: CallFields,
): unknown {
  const op = timeOperation(component, operation);
  if (fields.marks.start !== undefined) op.mark(fields.marks.start);
  let result: unknown;
  try {
    result = op.run(() => original.apply(self, args));
  } catch (err) {
    op.end(err ?? new Error('undefined was thrown'));
    throw err;
  }
  if (isPromise(result)) {
    return result.then(
      (value: unknown) => {
        settle(op, value, args, fields);
        return value;
      },
      (err: unknown) => {
        op.end(err ?? new Error('promise rejected with undefined'));
        throw err;
      },
    );
  }
  settle(op, result, args, fields);
  return result;
}

/** A call of a function mapped without a component: its marks go to the turn it runs in, if any. */
export function markedCall(original: Callable, self: unknown, args: unknown[], fields: CallFields): unknown {
  const turn = activeTurn();
  if (turn === undefined) return original.apply(self, args);
  if (fields.marks.start !== undefined) turn.mark(fields.marks.start);
  const result = original.apply(self, args);
  const end = fields.marks.end;
  if (end === undefined) return result;
  if (!isPromise(result)) {
    turn.mark(end);
    return result;
  }
  return result.then((value: unknown) => {
    turn.mark(end);
    return value;
  });
}

function settle(op: OperationHandle, result: unknown, args: unknown[], fields: CallFields): void {
  try {
    if (fields.stream && observeIteration(result, op, fields.marks.firstItem, () => finish(op, result, args, fields))) {
      return;
    }
  } catch (err) {
    diag.debug('transcriber: observing a streamed result failed', err);
  }
  finish(op, result, args, fields);
}

function finish(op: OperationHandle, result: unknown, args: unknown[], fields: CallFields): void {
  try {
    if (fields.marks.end !== undefined) op.mark(fields.marks.end);
    for (const path of fields.usage) {
      const amount = readUsage(path, args, result);
      if (amount !== undefined) op.addUsage(path.name, amount);
    }
  } catch (err) {
    diag.debug('transcriber: reading a mapped call failed', err);
  }
  op.end();
}

interface Iteration {
  next(...args: unknown[]): Promise<IteratorResult<unknown>>;
  return?(value?: unknown): Promise<IteratorResult<unknown>>;
  throw?(error?: unknown): Promise<IteratorResult<unknown>>;
}

/**
 * Watches the iteration of an async iterable result: each `next` runs inside the operation (so what
 * the producer calls nests under it), the first item is marked, and the operation ends once, when
 * the iteration is done, fails, or is left early. An async generator object is watched in place
 * (its own `next`, `return`, `throw`); any other async iterable through the iterator its
 * `Symbol.asyncIterator` makes first. False when `value` is not an async iterable.
 */
function observeIteration(
  value: unknown,
  op: OperationHandle,
  firstItemMark: string | undefined,
  onDone: () => void,
): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const iterable = value as { [Symbol.asyncIterator]?: () => Iteration };
  const makeIterator = iterable[Symbol.asyncIterator];
  if (typeof makeIterator !== 'function') return false;
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    if (error === undefined) onDone();
    else op.end(error);
  };
  const watch = (inner: Iteration, target: Iteration) => {
    const next = inner.next;
    const ret = inner.return;
    const thr = inner.throw;
    let first = true;
    target.next = (...args: unknown[]) =>
      op
        .run(() => next.apply(inner, args))
        .then(
          (item) => {
            if (item.done) end();
            else if (first) {
              first = false;
              if (firstItemMark !== undefined) op.mark(firstItemMark);
            }
            return item;
          },
          (err: unknown) => {
            end(err ?? new Error('iteration failed with undefined'));
            throw err;
          },
        );
    if (ret !== undefined) {
      target.return = (v?: unknown) => {
        end();
        return ret.call(inner, v);
      };
    }
    if (thr !== undefined) {
      target.throw = (e?: unknown) => {
        end(e ?? new Error('iteration thrown into with undefined'));
        return thr.call(inner, e);
      };
    }
  };
  if (Object.prototype.toString.call(value) === '[object AsyncGenerator]') {
    watch(value as Iteration, value as Iteration);
    return true;
  }
  let watched = false;
  Object.defineProperty(value, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value: function (this: unknown) {
      const inner = makeIterator.call(this);
      if (watched) return inner; // a second iteration is not part of the operation
      watched = true;
      const outer: Iteration & { [Symbol.asyncIterator]?: () => unknown } = { next: inner.next };
      watch(inner, outer);
      outer[Symbol.asyncIterator] = () => outer;
      return outer;
    },
  });
  return true;
}
