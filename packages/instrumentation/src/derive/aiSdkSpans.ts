import { ComponentType } from '../componentType';
import {
  ATTR_GEN_AI_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
} from '../names';

/**
 * The tracers of the Vercel AI SDK (`ai` 7, `@ai-sdk/otel`): `OpenTelemetry` (the GenAI
 * conventions) uses `gen_ai`, `LegacyOpenTelemetry` (the names of earlier releases) uses `ai`.
 */
export const AI_SDK_SCOPES: readonly string[] = Object.freeze(['gen_ai', 'ai']);

/** The AI SDK's attributes this project reads (@ai-sdk/otel, src/open-telemetry.ts and its legacy twin). */
export const AI_SDK_ATTR = Object.freeze({
  OPERATION: 'gen_ai.operation.name',
  /** GenAI naming, on `chat <model>`: request → first chunk, seconds. */
  TIME_TO_FIRST_CHUNK: 'gen_ai.client.operation.time_to_first_chunk',
  /** Legacy naming, on `ai.streamText.doStream`: request → first chunk, milliseconds. */
  MS_TO_FIRST_CHUNK: 'ai.response.msToFirstChunk',
  /** Legacy naming, on `ai.streamObject.doStream`, milliseconds. */
  STREAM_MS_TO_FIRST_CHUNK: 'ai.stream.msToFirstChunk',
  INPUT_TOKENS: 'ai.usage.inputTokens',
  OUTPUT_TOKENS: 'ai.usage.outputTokens',
});

// The operations, named alike in both namings: the GenAI conventions' operation names.
const AGENT = { component: ComponentType.AGENT, operation: 'invoke_agent' } as const;
const LLM = { component: ComponentType.LLM, operation: 'chat' } as const;
const TOOL = { component: ComponentType.TOOL, operation: 'execute_tool' } as const;
const LEGACY_CALLS = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject']);
const LEGACY_MODEL_CALLS = new Set([
  'ai.generateText.doGenerate',
  'ai.streamText.doStream',
  'ai.generateObject.doGenerate',
  'ai.streamObject.doStream',
]);

/**
 * The operation an AI SDK span is, in either naming: the model call (`chat <model>`,
 * `ai.streamText.doStream`, …) an `llm` / `chat`, a tool call (`execute_tool <tool>`,
 * `ai.toolCall`) a `tool` / `execute_tool`, the whole call (`invoke_agent <model>`,
 * `ai.streamText`, …) an `agent` / `invoke_agent`. Steps (`step N`) and anything else: none.
 */
export function aiSdkOperation(
  name: string,
  attributes: Readonly<Record<string, unknown>>,
): { component: ComponentType; operation: string } | undefined {
  switch (attributes[AI_SDK_ATTR.OPERATION]) {
    case 'chat':
      return LLM;
    case 'execute_tool':
      return TOOL;
    case 'invoke_agent':
      return AGENT;
  }
  if (LEGACY_MODEL_CALLS.has(name)) return LLM;
  if (name === 'ai.toolCall') return TOOL;
  if (LEGACY_CALLS.has(name)) return AGENT;
  return undefined;
}

/**
 * The figures of an AI SDK model call as our operations record them: time to first chunk in
 * seconds (`gen_ai.response.time_to_first_chunk`; the GenAI naming gives seconds, the legacy one
 * milliseconds), token usage under the GenAI names, and output tokens per second from the first
 * chunk to the end. Empty for spans that carry none of them.
 */
export function aiSdkModelCallFigures(
  attributes: Readonly<Record<string, unknown>>,
  startMs: number,
  endMs: number,
): Map<string, number> {
  const figures = new Map<string, number>();
  const seconds = num(attributes[AI_SDK_ATTR.TIME_TO_FIRST_CHUNK]);
  const ms = num(attributes[AI_SDK_ATTR.MS_TO_FIRST_CHUNK]) ?? num(attributes[AI_SDK_ATTR.STREAM_MS_TO_FIRST_CHUNK]);
  const timeToFirstChunk = seconds ?? (ms === undefined ? undefined : ms / 1000);
  if (timeToFirstChunk !== undefined) figures.set(ATTR_GEN_AI_TIME_TO_FIRST_CHUNK, timeToFirstChunk);
  const input = num(attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]) ?? num(attributes[AI_SDK_ATTR.INPUT_TOKENS]);
  const output = num(attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]) ?? num(attributes[AI_SDK_ATTR.OUTPUT_TOKENS]);
  if (input !== undefined) figures.set(ATTR_GEN_AI_USAGE_INPUT_TOKENS, input);
  if (output !== undefined) figures.set(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, output);
  const generating = (endMs - startMs) / 1000 - (timeToFirstChunk ?? 0);
  if (timeToFirstChunk !== undefined && output !== undefined && output > 0 && generating > 0)
    figures.set(METRIC_LLM_OUTPUT_TOKENS_PER_SECOND, output / generating);
  return figures;
}

const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
