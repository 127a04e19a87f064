import type { Attributes } from '@opentelemetry/api';
import { ComponentType } from './componentType';
import { ATTR_COMPONENT, ATTR_OPERATION, TURN_OPERATION } from './names';

/** What never changes between two runs of one component operation, built once. */
export interface OperationKey {
  readonly component: string;
  readonly operation: string;
  readonly spanName: string;
  readonly attributes: Attributes;
  /** Whether the operation is a voice turn (`pipeline` / `turn`). */
  readonly turn: boolean;
}

// Operation names are code constants in practice; the cap keeps a caller that builds names from
// data (an anti-pattern for metrics anyway) from growing the cache without bound.
const MAX_CACHED = 2048;
const cache = new Map<string, Map<string, OperationKey>>();
let cached = 0;

export function operationKeyFor(component: string, operation: string): OperationKey {
  let byOperation = cache.get(component);
  const hit = byOperation?.get(operation);
  if (hit !== undefined) return hit;
  const attributes = Object.freeze({ [ATTR_COMPONENT]: component, [ATTR_OPERATION]: operation });
  const key: OperationKey = {
    component,
    operation,
    spanName: `${component}.${operation}`,
    attributes,
    turn: component === ComponentType.PIPELINE && operation === TURN_OPERATION,
  };
  if (cached < MAX_CACHED) {
    if (byOperation === undefined) cache.set(component, (byOperation = new Map()));
    byOperation.set(operation, key);
    cached++;
  }
  return key;
}

/**
 * The attributes of one component operation (`transcriber.component`, `transcriber.operation`), the
 * same frozen object every time: for recording a figure of an operation timed elsewhere.
 */
export function operationAttributes(component: string, operation: string): Attributes {
  return operationKeyFor(component, operation).attributes;
}
