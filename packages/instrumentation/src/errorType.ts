/**
 * The `error.type` of a thrown value: the error's name (`TypeError`, `AbortError`, a custom
 * class name), never its message, which may carry user content.
 */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    // A subclass that forgot to set `name` still reports as `Error`; its constructor is truer.
    const name = error.name !== 'Error' ? error.name : error.constructor?.name;
    return name || 'Error';
  }
  if (error !== null && typeof error === 'object') {
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name) return name;
  }
  return '_OTHER';
}
