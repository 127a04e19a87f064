import type { Attributes } from '@opentelemetry/api';
import {
  AI_SDK_SCOPES,
  aiSdkModelCallFigures,
  aiSdkOperation,
  LIVEKIT_SPAN_COMPONENTS,
} from '@transcriber/instrumentation/frameworkSpans';

/** A framework whose spans the preload makes ours, found by its tracer's name. */
export type Framework = 'livekit' | 'ai-sdk';

/**
 * Tracer (instrumentation scope) names → framework. LiveKit Agents: `trace.getTracer('livekit-agents')`;
 * the Vercel AI SDK's `@ai-sdk/otel`: `gen_ai` (its GenAI naming) and `ai` (its legacy naming).
 */
export const FRAMEWORK_SCOPES: ReadonlyMap<string, Framework> = new Map<string, Framework>([
  ['livekit-agents', 'livekit'],
  ...AI_SDK_SCOPES.map((scope) => [scope, 'ai-sdk'] as [string, Framework]),
]);

/** A framework span as one of our operations, with the figures to record on it. */
export interface FrameworkOperation {
  component: string;
  operation: string;
  /** Span attributes in our names and units (time to first chunk in s, tokens, tokens per second). */
  figures?: ReadonlyMap<string, number>;
}

/**
 * The component operation a framework span is, if any: LiveKit's `llm_node` → `llm` / `llm_node`
 * and so on (LIVEKIT_SPAN_COMPONENTS; the receiver's default rules give the same, the operation
 * named after the span); the AI SDK's model calls → `llm` / `chat` with their figures, tool calls
 * → `tool` / `execute_tool`, whole calls → `agent` / `invoke_agent`, in both its namings.
 */
export function componentOfFrameworkSpan(
  framework: Framework,
  name: string,
  attributes: Attributes,
  startMs: number,
  endMs: number,
): FrameworkOperation | undefined {
  switch (framework) {
    case 'livekit': {
      const component = LIVEKIT_SPAN_COMPONENTS[name];
      return component === undefined || component === null ? undefined : { component, operation: name };
    }
    case 'ai-sdk': {
      const operation = aiSdkOperation(name, attributes);
      if (operation === undefined || operation.component !== 'llm') return operation;
      return { ...operation, figures: aiSdkModelCallFigures(attributes, startMs, endMs) };
    }
  }
}
