import type { InstrumentationScope } from '@opentelemetry/core';
import { setAttribute, type BytesAs } from './attributeSink';
import { ProtobufReader, tagOf, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from './protobufReader';
import { MAX_VALUE_DEPTH } from './valueLimits';

// Field numbers of opentelemetry-proto common/v1 and resource/v1.
const KEY_VALUE_KEY = tagOf(1, WIRE_LENGTH_DELIMITED);
const KEY_VALUE_VALUE = tagOf(2, WIRE_LENGTH_DELIMITED);
const KEY_VALUE_FIELDS = (1 << 1) | (1 << 2);

const ANY_STRING = tagOf(1, WIRE_LENGTH_DELIMITED);
const ANY_BOOL = tagOf(2, WIRE_VARINT);
const ANY_INT = tagOf(3, WIRE_VARINT);
const ANY_DOUBLE = tagOf(4, WIRE_FIXED64);
const ANY_ARRAY = tagOf(5, WIRE_LENGTH_DELIMITED);
const ANY_KVLIST = tagOf(6, WIRE_LENGTH_DELIMITED);
const ANY_BYTES = tagOf(7, WIRE_LENGTH_DELIMITED);
const ANY_VALUE_FIELDS = 0b11111110;

const LIST_VALUES = tagOf(1, WIRE_LENGTH_DELIMITED); // ArrayValue.values, KeyValueList.values
const LIST_FIELDS = 1 << 1;

const SCOPE_NAME = tagOf(1, WIRE_LENGTH_DELIMITED);
const SCOPE_VERSION = tagOf(2, WIRE_LENGTH_DELIMITED);
const SCOPE_FIELDS = (1 << 1) | (1 << 2);

const RESOURCE_ATTRIBUTES = tagOf(1, WIRE_LENGTH_DELIMITED);
const RESOURCE_FIELDS = 1 << 1;

/**
 * Reads one `KeyValue` (the reader is at its length) into `into`. Pairs without a value are dropped.
 * `depth`: the arrays and key-value lists it is inside.
 */
export function readKeyValue(r: ProtobufReader, into: Record<string, unknown>, bytesAs: BytesAs, depth = 0): void {
  const outer = r.enter();
  let key = '';
  let value: unknown;
  while (r.more) {
    const tag = r.uint32();
    if (tag === KEY_VALUE_KEY) key = r.string();
    else if (tag === KEY_VALUE_VALUE) value = readAnyValue(r, bytesAs, depth);
    else r.skip(tag, KEY_VALUE_FIELDS, 'KeyValue');
  }
  r.leave(outer);
  if (value !== undefined) setAttribute(into, key, value);
}

/**
 * Reads one `AnyValue` (the reader is at its length). An empty AnyValue is `undefined` (null inside
 * arrays); int64 beyond 2^53 becomes a decimal string, as JSON could not hold it otherwise. An array
 * or key-value list at MAX_VALUE_DEPTH is skipped unread and counted in the reader's limits: the
 * value it was part of is kept without it.
 */
export function readAnyValue(r: ProtobufReader, bytesAs: BytesAs, depth = 0): unknown {
  const outer = r.enter();
  let value: unknown;
  while (r.more) {
    const tag = r.uint32();
    switch (tag) {
      case ANY_STRING:
        value = r.string();
        break;
      case ANY_BOOL:
        value = r.bool();
        break;
      case ANY_INT:
        value = r.int64();
        break;
      case ANY_DOUBLE:
        value = r.double();
        break;
      case ANY_ARRAY:
      case ANY_KVLIST:
        if (depth < MAX_VALUE_DEPTH) {
          value = readList(r, bytesAs, tag === ANY_KVLIST, depth + 1);
        } else {
          const skipped = r.skipLengthDelimited();
          if (r.limits !== undefined) {
            r.limits.tooDeep++;
            r.limits.droppedBytes += skipped;
          }
          value = undefined;
        }
        break;
      case ANY_BYTES: {
        const bytes = r.bytes();
        value = bytesAs === 'base64' ? bytes.toString('base64') : new Uint8Array(bytes);
        break;
      }
      default:
        r.skip(tag, ANY_VALUE_FIELDS, 'AnyValue');
    }
  }
  r.leave(outer);
  return value;
}

function readList(r: ProtobufReader, bytesAs: BytesAs, keyed: boolean, depth: number): unknown {
  const outer = r.enter();
  const array: unknown[] | undefined = keyed ? undefined : [];
  const object: Record<string, unknown> | undefined = keyed ? {} : undefined;
  while (r.more) {
    const tag = r.uint32();
    if (tag !== LIST_VALUES) r.skip(tag, LIST_FIELDS, keyed ? 'KeyValueList' : 'ArrayValue');
    else if (keyed) readKeyValue(r, object!, bytesAs, depth);
    else array!.push(readAnyValue(r, bytesAs, depth) ?? null);
  }
  r.leave(outer);
  return keyed ? object : array;
}

/** Reads a `Resource` (the reader is at its length) into its attributes. */
export function readResourceAttributes(r: ProtobufReader): Record<string, unknown> {
  const outer = r.enter();
  const attributes: Record<string, unknown> = {};
  while (r.more) {
    const tag = r.uint32();
    if (tag === RESOURCE_ATTRIBUTES) readKeyValue(r, attributes, 'base64');
    else r.skip(tag, RESOURCE_FIELDS, 'Resource');
  }
  r.leave(outer);
  return attributes;
}

/** Reads an `InstrumentationScope` (the reader is at its length): its name and version. */
export function readScope(r: ProtobufReader): InstrumentationScope {
  const outer = r.enter();
  let name = '';
  let version: string | undefined;
  while (r.more) {
    const tag = r.uint32();
    if (tag === SCOPE_NAME) name = r.string();
    else if (tag === SCOPE_VERSION) version = r.string();
    else r.skip(tag, SCOPE_FIELDS, 'InstrumentationScope');
  }
  r.leave(outer);
  return version === undefined ? { name } : { name, version };
}
