import type { InstrumentationScope } from '@opentelemetry/core';
import { setAttribute, type BytesAs } from './attributeSink';
import { arrayAt, boolAt, doubleAt, eachOf, fieldOf, int64At, objectAt, stringAt, type JsonObject } from './jsonFields';
import { OtlpDecodeError } from './otlpDecodeError';

/** Beyond this nesting of arrays and key-value lists a value is refused (see MAX_DEPTH in ProtobufReader). */
const MAX_VALUE_DEPTH = 24;

/** Reads a JSON `KeyValue` list into `into`. Pairs without a value are dropped. */
export function readJsonAttributes(
  value: unknown,
  what: string,
  into: Record<string, unknown>,
  bytesAs: BytesAs,
): void {
  eachOf(value, what, (element) => readKeyValue(element, into, bytesAs, 0));
}

function readKeyValue(element: unknown, into: Record<string, unknown>, bytesAs: BytesAs, depth: number): void {
  const pair = objectAt(element, 'KeyValue') ?? {};
  const value = readJsonAnyValue(pair.value, bytesAs, depth);
  if (value !== undefined) setAttribute(into, stringAt(pair.key, 'key'), value);
}

/** A JSON `AnyValue`; an empty one is `undefined` (null inside arrays). */
export function readJsonAnyValue(value: unknown, bytesAs: BytesAs, depth = 0): unknown {
  const any = objectAt(value, 'value');
  if (any === undefined) return undefined;
  if (depth > MAX_VALUE_DEPTH) throw new OtlpDecodeError(`value: nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let v: unknown;
  if ((v = fieldOf(any, 'stringValue', 'string_value')) !== undefined) return stringAt(v, 'stringValue');
  if ((v = fieldOf(any, 'boolValue', 'bool_value')) !== undefined) return boolAt(v, 'boolValue');
  if ((v = fieldOf(any, 'intValue', 'int_value')) !== undefined) return int64At(v, 'intValue');
  if ((v = fieldOf(any, 'doubleValue', 'double_value')) !== undefined) return doubleAt(v, 'doubleValue');
  if ((v = fieldOf(any, 'arrayValue', 'array_value')) !== undefined) {
    const values = arrayAt(objectAt(v, 'arrayValue')?.values, 'arrayValue.values');
    return values.map((item) => readJsonAnyValue(item, bytesAs, depth + 1) ?? null);
  }
  if ((v = fieldOf(any, 'kvlistValue', 'kvlist_value')) !== undefined) {
    const object: Record<string, unknown> = {};
    for (const pair of arrayAt(objectAt(v, 'kvlistValue')?.values, 'kvlistValue.values')) {
      readKeyValue(pair, object, bytesAs, depth + 1);
    }
    return object;
  }
  if ((v = fieldOf(any, 'bytesValue', 'bytes_value')) !== undefined) {
    const base64 = stringAt(v, 'bytesValue');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) throw new OtlpDecodeError('bytesValue: not base64');
    return bytesAs === 'base64' ? base64 : new Uint8Array(Buffer.from(base64, 'base64'));
  }
  return undefined;
}

/** A JSON `Resource`'s attributes. */
export function readJsonResourceAttributes(value: unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const resource = objectAt(value, 'resource');
  if (resource !== undefined) readJsonAttributes(resource.attributes, 'resource.attributes', attributes, 'base64');
  return attributes;
}

/** A JSON `InstrumentationScope`: its name and version. */
export function readJsonScope(value: unknown): InstrumentationScope {
  const scope: JsonObject = objectAt(value, 'scope') ?? {};
  const name = stringAt(scope.name, 'scope.name');
  const version = scope.version === undefined ? undefined : stringAt(scope.version, 'scope.version');
  return version === undefined ? { name } : { name, version };
}
