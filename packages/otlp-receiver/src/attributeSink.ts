/**
 * Sets a decoded attribute. Keys come from the sender, so `__proto__` must become an own property
 * rather than replace the object's prototype.
 */
export function setAttribute(into: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    into[key] = value;
  }
}

/**
 * How `bytes_value` attributes are kept: spans, metric points and resources are stored as JSON,
 * so their bytes become base64 strings; events keep `Uint8Array` (an event table may have a BLOB
 * column for them).
 */
export type BytesAs = 'base64' | 'bytes';
