import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { emptyResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { readResourceAttributes, readScope } from './protobufCommon';
import { ProtobufReader, tagOf, WIRE_LENGTH_DELIMITED } from './protobufReader';

/** An item of a request (span, log record) whose resource and scope are known only at the end. */
export interface EnvelopedItem {
  resource: Resource;
  instrumentationScope: InstrumentationScope;
}

/** Message names of one signal's envelope, for errors: e.g. `ResourceSpans`, `ScopeSpans`, `spans`. */
export interface EnvelopeNames {
  resource: string;
  scope: string;
  legacyField: string;
}

// ResourceSpans/ResourceLogs and ScopeSpans/ScopeLogs number their fields alike
// (opentelemetry-proto trace/v1 and logs/v1): resource 1, scope list 2, the pre-0.15 list 1000;
// scope 1, items 2.
const RESOURCE = tagOf(1, WIRE_LENGTH_DELIMITED);
const SCOPE_LIST = tagOf(2, WIRE_LENGTH_DELIMITED);
const LEGACY_SCOPE_LIST = tagOf(1000, WIRE_LENGTH_DELIMITED);
const SCOPE = tagOf(1, WIRE_LENGTH_DELIMITED);
const ITEMS = tagOf(2, WIRE_LENGTH_DELIMITED);
const KNOWN_FIELDS = (1 << 1) | (1 << 2);
/** The scope of an item before its envelope's is known (and of items sent without one). */
export const NO_SCOPE: InstrumentationScope = { name: '' };

/**
 * Reads one Resource* message (the reader is at its length) and the Scope* messages in it,
 * appending each item `readItem` returns to `out` and setting its resource and scope once their
 * messages end. `readItem` returns undefined for an item it rejected.
 */
export function readResourceEnvelope<T extends EnvelopedItem>(
  r: ProtobufReader,
  out: T[],
  names: EnvelopeNames,
  readItem: (r: ProtobufReader) => T | undefined,
): void {
  const outer = r.enter();
  const first = out.length;
  let attributes: Record<string, unknown> | undefined;
  while (r.more) {
    const tag = r.uint32();
    if (tag === SCOPE_LIST) readScopeEnvelope(r, out, names, readItem);
    else if (tag === RESOURCE) attributes = readResourceAttributes(r);
    else if (tag === LEGACY_SCOPE_LIST)
      r.fail(`${names.legacyField} (OTLP before 0.15) is not supported; update the sender`);
    else r.skip(tag, KNOWN_FIELDS, names.resource);
  }
  r.leave(outer);
  // One Resource object for all of its items: the writer interns it once per object.
  const resource = attributes === undefined ? emptyResource() : resourceFromAttributes(attributes as Attributes);
  for (let i = first; i < out.length; i++) out[i].resource = resource;
}

function readScopeEnvelope<T extends EnvelopedItem>(
  r: ProtobufReader,
  out: T[],
  names: EnvelopeNames,
  readItem: (r: ProtobufReader) => T | undefined,
): void {
  const outer = r.enter();
  const first = out.length;
  let scope = NO_SCOPE;
  while (r.more) {
    const tag = r.uint32();
    if (tag === ITEMS) {
      const item = readItem(r);
      if (item !== undefined) out.push(item);
    } else if (tag === SCOPE) {
      scope = readScope(r);
    } else {
      r.skip(tag, KNOWN_FIELDS, names.scope);
    }
  }
  r.leave(outer);
  for (let i = first; i < out.length; i++) out[i].instrumentationScope = scope;
}
