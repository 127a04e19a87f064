import type { Attributes } from '@opentelemetry/api';
import { LIVEKIT_SPAN_COMPONENTS } from '@transcriber/instrumentation/turnDerivation';

/** A framework whose spans the preload makes ours, found by its tracer's name. */
export type Framework = 'livekit';

/** Tracer (instrumentation scope) names → framework. LiveKit Agents: `trace.getTracer('livekit-agents')`. */
export const FRAMEWORK_SCOPES: ReadonlyMap<string, Framework> = new Map([['livekit-agents', 'livekit']]);

/**
 * The component operation a framework span is, if any: LiveKit's `llm_node` → `llm` / `llm_node`
 * and so on (LIVEKIT_SPAN_COMPONENTS; the receiver's default rules give the same), the operation
 * named after the span as `transcriber collect` names it.
 */
export function componentOfFrameworkSpan(
  framework: Framework,
  name: string,
  _attributes: Attributes,
): { component: string; operation: string } | undefined {
  switch (framework) {
    case 'livekit': {
      const component = LIVEKIT_SPAN_COMPONENTS[name];
      return component === undefined || component === null ? undefined : { component, operation: name };
    }
  }
}
