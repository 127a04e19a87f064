import { OtlpDecodeError } from './otlpDecodeError';

/** A JSON object of an OTLP/JSON message. */
export type JsonObject = Record<string, unknown>;

/**
 * Readers for OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): the
 * proto3 JSON mapping with lowerCamelCase names (the original snake_case names are accepted too, as
 * proto3 JSON parsers do), 64-bit integers as strings or numbers, enums as integers (or their
 * names), and trace/span ids as hex. Absent fields read as the proto3 default. `what` names the
 * field in the error message.
 */

/** The value of a field under its JSON name, or else its proto name. */
export function fieldOf(object: JsonObject, jsonName: string, protoName?: string): unknown {
  const value = object[jsonName];
  return value !== undefined || protoName === undefined ? value : object[protoName];
}

export function parseJsonBody(body: Buffer): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(err as Error).message}`);
  }
  return objectAt(parsed, 'request') ?? {};
}

export function objectAt(value: unknown, what: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(what, 'an object', value);
  return value as JsonObject;
}

export function arrayAt(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw wrongType(what, 'an array', value);
  return value;
}

export function stringAt(value: unknown, what: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw wrongType(what, 'a string', value);
  return value;
}

export function boolAt(value: unknown, what: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw wrongType(what, 'true or false', value);
  return value;
}

/** An unsigned integer field (uint32, uint64, fixed64): a number or a decimal string. */
export function unsignedAt(value: unknown, what: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return Number(value);
  throw wrongType(what, 'an unsigned integer', value);
}

/** A signed 64-bit integer field: a number when exact, else the decimal string as given. */
export function int64At(value: unknown, what: string): number | string {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : BigInt(value).toString();
  }
  throw wrongType(what, 'an integer', value);
}

/** A double field: a number, or one of the strings proto3 JSON uses for the special values. */
export function doubleAt(value: unknown, what: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw wrongType(what, 'a number', value);
}

/** A double that may be absent (proto3 `optional double`). */
export function optionalDoubleAt(value: unknown, what: string): number | undefined {
  return value === undefined || value === null ? undefined : doubleAt(value, what);
}

/** An enum field: its number, or its name in `names`. */
export function enumAt(value: unknown, names: Readonly<Record<string, number>>, what: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && Object.hasOwn(names, value)) return names[value];
  throw wrongType(what, `one of ${Object.keys(names).join(', ')} or its number`, value);
}

/** A trace or span id: hex in OTLP/JSON (not base64, unlike other bytes), as lowercase hex. */
export function idAt(value: unknown, what: string): string {
  const id = stringAt(value, what);
  if (!/^[0-9a-fA-F]*$/.test(id)) throw new OtlpDecodeError(`${what}: ${JSON.stringify(id)} is not a hex id`);
  return id.toLowerCase();
}

/** Runs `read` on each element of an array field, naming the element in any error. */
export function eachOf(value: unknown, what: string, read: (element: unknown) => void): void {
  const array = arrayAt(value, what);
  for (let i = 0; i < array.length; i++) {
    try {
      read(array[i]);
    } catch (err) {
      if (err instanceof OtlpDecodeError) throw new OtlpDecodeError(`${what}[${i}].${err.message}`);
      throw err;
    }
  }
}

function wrongType(what: string, expected: string, value: unknown): OtlpDecodeError {
  return new OtlpDecodeError(`${what}: expected ${expected}, got ${preview(value)}`);
}

/**
 * A short view of a JSON value for an error message. Arrays and objects are shown one level deep:
 * JSON.stringify of a hostile value nested thousands deep overflows the stack (it answered 500).
 */
function preview(value: unknown): string {
  let shown: string | undefined;
  if (Array.isArray(value)) shown = `[${value.length === 0 ? '' : '…'}] (${value.length} elements)`;
  else if (typeof value === 'object' && value !== null)
    shown = `{${Object.keys(value)
      .slice(0, 4)
      .map((key) => `${JSON.stringify(key)}:${shallow((value as JsonObject)[key])}`)
      .join(',')}}`;
  else shown = JSON.stringify(value);
  if (shown === undefined) return typeof value;
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

function shallow(value: unknown): string {
  if (Array.isArray(value)) return '[…]';
  if (typeof value === 'object' && value !== null) return '{…}';
  return JSON.stringify(value) ?? typeof value;
}
