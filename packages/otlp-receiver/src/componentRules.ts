import type { Attributes } from '@opentelemetry/api';
import { type ComponentType } from '@transcriber/instrumentation/componentType';
import { ATTR_COMPONENT, ATTR_OPERATION } from '@transcriber/instrumentation/names';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * How a span from another program gets a component (and operation), so `transcriber performance`
 * and the other views can place it in the pipeline. Every condition given must hold; rules are
 * tried in order and the first that matches decides. Spans that already carry
 * `transcriber.component` keep it.
 */
export interface ComponentRule {
  /** The span's name is this one (or one of these). */
  spanName?: string | readonly string[];
  /** The span's name matches this regular expression (JavaScript syntax). */
  spanNamePattern?: string;
  /** The span has this attribute … */
  attribute?: string;
  /** … with this value (or one of these; compared as strings). Without it, any value. */
  value?: string | readonly string[];
  /** The component to record, or null to leave matching spans without one (and stop looking). */
  component: ComponentType | null;
  /** The operation to record. Default: the matched attribute's value, else the span's name. */
  operation?: string;
}

interface Decision {
  component: string | null;
  operation: string | undefined;
}

/** One step of a compiled rule list: the decision for a span, or undefined to try the next step. */
type Step = (name: string, attributes: Attributes) => Decision | undefined;

/** Rules compiled for speed: a run of name-only rules is one map lookup, a run of rules on one attribute another. */
export class ComponentMapper {
  private readonly steps: Step[];

  constructor(rules: readonly ComponentRule[]) {
    this.steps = compile(rules);
  }

  /**
   * Sets `transcriber.component` and `transcriber.operation` on spans that lack them, by the rules.
   * A span that has a component but no operation gets its name as the operation.
   */
  apply(spans: readonly ReadableSpan[]): void {
    for (const span of spans) {
      const attributes = span.attributes;
      if (typeof attributes[ATTR_COMPONENT] === 'string') {
        if (typeof attributes[ATTR_OPERATION] !== 'string') attributes[ATTR_OPERATION] = span.name;
        continue;
      }
      const decision = this.decide(span.name, attributes);
      if (decision === undefined || decision.component === null) continue;
      attributes[ATTR_COMPONENT] = decision.component;
      attributes[ATTR_OPERATION] = decision.operation ?? span.name;
    }
  }

  /** The decision of the first matching rule, if any. */
  decide(name: string, attributes: Attributes): Decision | undefined {
    for (const step of this.steps) {
      const decision = step(name, attributes);
      if (decision !== undefined) return decision;
    }
    return undefined;
  }
}

function compile(rules: readonly ComponentRule[]): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < rules.length) {
    const rule = rules[i];
    if (isNameOnly(rule)) {
      // A run of name-only rules: one lookup, the earliest rule winning for each name.
      const byName = new Map<string, Decision>();
      for (; i < rules.length && isNameOnly(rules[i]); i++) {
        for (const name of listOf(rules[i].spanName)) {
          if (!byName.has(name)) byName.set(name, { component: rules[i].component, operation: rules[i].operation });
        }
      }
      steps.push((name) => byName.get(name));
    } else if (isValueOnly(rule)) {
      // A run of rules on the values of one attribute: one lookup too.
      const key = rule.attribute!;
      const byValue = new Map<string, Decision>();
      for (; i < rules.length && isValueOnly(rules[i]) && rules[i].attribute === key; i++) {
        for (const value of listOf(rules[i].value)) {
          if (!byValue.has(value)) byValue.set(value, { component: rules[i].component, operation: rules[i].operation });
        }
      }
      steps.push((_name, attributes) => {
        const value = attributes[key];
        if (value === undefined) return undefined;
        const text = String(value);
        const decision = byValue.get(text);
        return decision === undefined || decision.operation !== undefined
          ? decision
          : { component: decision.component, operation: text };
      });
    } else {
      steps.push(generalStep(rule));
      i++;
    }
  }
  return steps;
}

function generalStep(rule: ComponentRule): Step {
  const names = rule.spanName === undefined ? undefined : new Set(listOf(rule.spanName));
  const pattern = rule.spanNamePattern === undefined ? undefined : new RegExp(rule.spanNamePattern);
  const key = rule.attribute;
  const values = rule.value === undefined ? undefined : new Set(listOf(rule.value));
  return (name, attributes) => {
    if (names !== undefined && !names.has(name)) return undefined;
    if (pattern !== undefined && !pattern.test(name)) return undefined;
    let operation = rule.operation;
    if (key !== undefined) {
      const value = attributes[key];
      if (value === undefined) return undefined;
      const text = String(value);
      if (values !== undefined && !values.has(text)) return undefined;
      operation ??= text;
    }
    return { component: rule.component, operation };
  };
}

function isNameOnly(rule: ComponentRule): boolean {
  return rule.spanName !== undefined && rule.spanNamePattern === undefined && rule.attribute === undefined;
}

function isValueOnly(rule: ComponentRule): boolean {
  return (
    rule.attribute !== undefined &&
    rule.value !== undefined &&
    rule.spanName === undefined &&
    rule.spanNamePattern === undefined
  );
}

function listOf(value: string | readonly string[] | undefined): readonly string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}
