import { AI_SDK_SCOPES, aiSdkModelCallFigures, aiSdkOperation } from '@transcriber/instrumentation/frameworkSpans';
import type { ReceivedSpan } from './receivedSpan';

const SCOPES: ReadonlySet<string> = new Set(AI_SDK_SCOPES);

/**
 * Gives the Vercel AI SDK's model calls received (either naming) the figures our `llm` operations
 * carry: time to first chunk in seconds, token usage under the GenAI names, output tokens per
 * second, as the preload gives them in-process (aiSdkModelCallFigures). Only spans of the AI SDK's
 * tracers are looked at.
 */
export function addAiSdkFigures(spans: readonly ReceivedSpan[]): void {
  for (const span of spans) {
    if (!SCOPES.has(span.instrumentationScope.name)) continue;
    if (aiSdkOperation(span.name, span.attributes)?.component !== 'llm') continue;
    const startMs = span.startTime[0] * 1000 + span.startTime[1] / 1e6;
    const endMs = span.endTime[0] * 1000 + span.endTime[1] / 1e6;
    for (const [name, value] of aiSdkModelCallFigures(span.attributes, startMs, endMs)) span.attributes[name] = value;
  }
}
