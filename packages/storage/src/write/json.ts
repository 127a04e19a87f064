import type { Attributes } from '@opentelemetry/api';

/** Attributes as a JSON object string, or null when there are none (saves a column's bytes). */
export function attributesJson(attributes: Attributes | undefined, omit?: readonly string[]): string | null {
  if (attributes === undefined) return null;
  let out: Record<string, unknown> | undefined;
  for (const key in attributes) {
    if (omit !== undefined && omit.includes(key)) continue;
    const value = attributes[key];
    if (value === undefined) continue;
    (out ??= {})[key] = value;
  }
  return out === undefined ? null : JSON.stringify(out);
}

/** A value as stored in a TEXT column: strings as they are, anything else as JSON. */
export function textValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value, bigintReplacer);
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
