/**
 * Reads `source` as fast as it produces, and hands its items on as they are asked for: the agent's
 * answer is produced at the model's pace, not held back while earlier sentences are being spoken.
 * Leaving early (the user interrupted) stops reading at the source's next item.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const items: T[] = [];
  let finished = false;
  let failed = false;
  let failure: unknown;
  let stopped = false;
  let wake: (() => void) | undefined;
  const reading = (async () => {
    try {
      for await (const item of source) {
        if (stopped) break;
        items.push(item);
        wake?.();
      }
    } catch (err) {
      failed = true;
      failure = err;
    } finally {
      finished = true;
      wake?.();
    }
  })();
  try {
    for (;;) {
      if (items.length > 0) {
        yield items.shift() as T;
        continue;
      }
      if (failed) throw failure;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stopped = true;
    await reading;
  }
}
