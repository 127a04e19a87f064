import { COMPONENT_TYPES, isComponentType } from '@transcriber/instrumentation/componentType';
import type { ComponentRule } from './componentRules';
import { DEFAULT_COMPONENT_RULES } from './defaultComponentRules';

/** A `collect` section of transcriber.config.json that cannot be used; the message names the field. */
export class CollectConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectConfigError';
  }
}

const RULE_KEYS = new Set(['spanName', 'spanNamePattern', 'attribute', 'value', 'component', 'operation']);
const SECTION_KEYS = new Set(['rules', 'defaultRules']);

/**
 * The component rules a `collect` section of the config file asks for: its `rules` first, then the
 * built-in ones unless `"defaultRules": false`. No section means the built-in rules alone.
 *
 * ```json
 * "collect": {
 *   "rules": [
 *     { "spanName": "transcribe_chunk", "component": "stt" },
 *     { "attribute": "rpc.service", "value": "Synthesizer", "component": "tts", "operation": "synthesize" }
 *   ]
 * }
 * ```
 */
export function componentRulesFromConfig(section: unknown): ComponentRule[] {
  if (section === undefined) return [...DEFAULT_COMPONENT_RULES];
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    throw new CollectConfigError('collect: expected an object with "rules" (and optionally "defaultRules")');
  }
  const object = section as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!SECTION_KEYS.has(key))
      throw new CollectConfigError(`collect: unknown field ${JSON.stringify(key)}; known: rules, defaultRules`);
  }
  if (object.defaultRules !== undefined && typeof object.defaultRules !== 'boolean') {
    throw new CollectConfigError(
      `collect.defaultRules: expected true or false, got ${JSON.stringify(object.defaultRules)}`,
    );
  }
  if (object.rules !== undefined && !Array.isArray(object.rules)) {
    throw new CollectConfigError(`collect.rules: expected an array of rules, got ${JSON.stringify(object.rules)}`);
  }
  const rules = ((object.rules as unknown[] | undefined) ?? []).map((rule, i) =>
    parseRule(rule, `collect.rules[${i}]`),
  );
  return object.defaultRules === false ? rules : [...rules, ...DEFAULT_COMPONENT_RULES];
}

function parseRule(value: unknown, where: string): ComponentRule {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CollectConfigError(`${where}: expected an object like {"spanName": "…", "component": "stt"}`);
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!RULE_KEYS.has(key)) {
      throw new CollectConfigError(
        `${where}: unknown field ${JSON.stringify(key)}; known: ${[...RULE_KEYS].join(', ')}`,
      );
    }
  }
  const rule: ComponentRule = { component: componentOf(raw.component, `${where}.component`) };
  if (raw.spanName !== undefined) rule.spanName = stringOrList(raw.spanName, `${where}.spanName`);
  if (raw.spanNamePattern !== undefined) {
    const pattern = text(raw.spanNamePattern, `${where}.spanNamePattern`);
    try {
      new RegExp(pattern);
    } catch (err) {
      throw new CollectConfigError(`${where}.spanNamePattern: ${(err as Error).message}`);
    }
    rule.spanNamePattern = pattern;
  }
  if (raw.attribute !== undefined) rule.attribute = text(raw.attribute, `${where}.attribute`);
  if (raw.value !== undefined) {
    if (rule.attribute === undefined)
      throw new CollectConfigError(`${where}.value: needs "attribute" (the attribute whose value it is)`);
    rule.value = stringOrList(raw.value, `${where}.value`);
  }
  if (raw.operation !== undefined) rule.operation = text(raw.operation, `${where}.operation`);
  if (rule.spanName === undefined && rule.spanNamePattern === undefined && rule.attribute === undefined) {
    throw new CollectConfigError(
      `${where}: give at least one of spanName, spanNamePattern or attribute to match spans by`,
    );
  }
  return rule;
}

function componentOf(value: unknown, where: string): ComponentRule['component'] {
  if (value === null) return null;
  if (isComponentType(value)) return value;
  throw new CollectConfigError(
    `${where}: ${JSON.stringify(value)} is not a component; expected one of ${COMPONENT_TYPES.join(', ')}, or null to leave spans unmapped`,
  );
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new CollectConfigError(`${where}: expected a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function stringOrList(value: unknown, where: string): string | string[] {
  if (Array.isArray(value) && value.length > 0) return value.map((item, i) => text(item, `${where}[${i}]`));
  return text(value, where);
}
