import type { InstrumentationScope } from '@opentelemetry/core';
import { setAttribute, type BytesAs } from './attributeSink';
import { arrayAt, boolAt, doubleAt, eachOf, fieldOf, int64At, objectAt, stringAt, type JsonObject } from './jsonFields';
import { OtlpDecodeError } from './otlpDecodeError';
import { MAX_VALUE_DEPTH, type ValueLimits } from './valueLimits';

/** Reads a JSON `KeyValue` list into `into`. Pairs without a value are dropped; strings are cut to the limits. */
export function readJsonAttributes(
  value: unknown,
  what: string,
  into: Record<string, unknown>,
  bytesAs: BytesAs,
  limits: ValueLimits,
): void {
  eachOf(value, what, (element) => readKeyValue(element, into, bytesAs, limits, 0));
}

function readKeyValue(
  element: unknown,
  into: Record<string, unknown>,
  bytesAs: BytesAs,
  limits: ValueLimits,
  depth: number,
): void {
  const pair = objectAt(element, 'KeyValue') ?? {};
  const value = readJsonAnyValue(pair.value, bytesAs, limits, depth);
  if (value !== undefined) setAttribute(into, limits.cutString(stringAt(pair.key, 'key')), value);
}

/**
 * A JSON `AnyValue`; an empty one is `undefined` (null inside arrays). An array or key-value list
 * at MAX_VALUE_DEPTH is dropped and counted in `limits` (as by the protobuf decoder): the value it
 * was part of is kept without it.
 */
export function readJsonAnyValue(value: unknown, bytesAs: BytesAs, limits: ValueLimits, depth = 0): unknown {
  const any = objectAt(value, 'value');
  if (any === undefined) return undefined;
  let v: unknown;
  if ((v = fieldOf(any, 'stringValue', 'string_value')) !== undefined)
    return limits.cutString(stringAt(v, 'stringValue'));
  if ((v = fieldOf(any, 'boolValue', 'bool_value')) !== undefined) return boolAt(v, 'boolValue');
  if ((v = fieldOf(any, 'intValue', 'int_value')) !== undefined) return int64At(v, 'intValue');
  if ((v = fieldOf(any, 'doubleValue', 'double_value')) !== undefined) return doubleAt(v, 'doubleValue');
  if ((v = fieldOf(any, 'arrayValue', 'array_value')) !== undefined) {
    if (depth >= MAX_VALUE_DEPTH) return tooDeep(limits);
    const values = arrayAt(objectAt(v, 'arrayValue')?.values, 'arrayValue.values');
    return values.map((item) => readJsonAnyValue(item, bytesAs, limits, depth + 1) ?? null);
  }
  if ((v = fieldOf(any, 'kvlistValue', 'kvlist_value')) !== undefined) {
    if (depth >= MAX_VALUE_DEPTH) return tooDeep(limits);
    const object: Record<string, unknown> = {};
    for (const pair of arrayAt(objectAt(v, 'kvlistValue')?.values, 'kvlistValue.values')) {
      readKeyValue(pair, object, bytesAs, limits, depth + 1);
    }
    return object;
  }
  if ((v = fieldOf(any, 'bytesValue', 'bytes_value')) !== undefined) {
    let base64 = stringAt(v, 'bytesValue');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) throw new OtlpDecodeError('bytesValue: not base64');
    const bytes = Buffer.from(base64, 'base64');
    const kept = limits.bytesKept(bytes.length);
    if (kept < bytes.length) base64 = bytes.subarray(0, kept).toString('base64');
    return bytesAs === 'base64' ? base64 : new Uint8Array(bytes.subarray(0, kept));
  }
  return undefined;
}

function tooDeep(limits: ValueLimits): undefined {
  limits.tooDeep++;
  return undefined;
}

/** A JSON `Resource`'s attributes. */
export function readJsonResourceAttributes(value: unknown, limits: ValueLimits): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const resource = objectAt(value, 'resource');
  if (resource !== undefined)
    readJsonAttributes(resource.attributes, 'resource.attributes', attributes, 'base64', limits);
  return attributes;
}

/** A JSON `InstrumentationScope`: its name and version. */
export function readJsonScope(value: unknown): InstrumentationScope {
  const scope: JsonObject = objectAt(value, 'scope') ?? {};
  const name = stringAt(scope.name, 'scope.name');
  const version = scope.version === undefined ? undefined : stringAt(scope.version, 'scope.version');
  return version === undefined ? { name } : { name, version };
}
