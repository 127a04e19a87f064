import { ComponentType } from '@transcriber/instrumentation/componentType';
import { LIVEKIT_SPAN_COMPONENTS, PIPECAT_SPAN_COMPONENTS } from '@transcriber/instrumentation/frameworkSpans';
import type { ComponentRule } from './componentRules';

const GEN_AI_OPERATION = 'gen_ai.operation.name';

/**
 * The built-in rules for telemetry from other voice-agent frameworks, tried after the user's own.
 * Sources (span names as those projects emit them):
 * - LiveKit Agents (`livekit-agents`, livekit/agents/telemetry; the same names in Python and in
 *   Node's @livekit/agents): LIVEKIT_SPAN_COMPONENTS. Per exchange `user_turn` (speech,
 *   transcription, end-of-turn detection `eou_detection`) and `agent_turn`, which holds `llm_node`
 *   → `llm_request` and `tts_node` → `tts_request`, and `function_tool` for each tool call. The two
 *   turn halves are no operations: the turn derived from them is (ReceivedTurns), once.
 * - Pipecat (`pipecat-ai[tracing]`, pipecat/utils/tracing): `conversation` → `turn` → `stt`,
 *   `llm`, `tts` (PIPECAT_SPAN_COMPONENTS; its `turn` is derived into ours, not counted twice);
 *   earlier releases named service spans `<stt|llm|tts>_<service class>`, e.g.
 *   `stt_deepgramsttservice`.
 * - The Vercel AI SDK (`@ai-sdk/otel`): its GenAI naming (`invoke_agent <model>`, `chat <model>`,
 *   `execute_tool <tool>`) by the conventions' rules below; its legacy naming (`ai.streamText` →
 *   `ai.streamText.doStream`, `ai.toolCall`) by name, to the same operations.
 * - OpenTelemetry GenAI semantic conventions: `gen_ai.operation.name` (`chat`, `text_completion`,
 *   `generate_content`, `embeddings`, `execute_tool`, `invoke_agent`, `create_agent`); Pipecat also
 *   sets it to `stt` and `tts` on its speech spans.
 * Session spans (`agent_session`, `conversation`) last the whole call: counted as operations they
 * would swamp the pipeline's latency, so they stay without a component, as do LiveKit's
 * `*_request` spans, whose time is already inside the `*_node` span around them, its speaking spans
 * (as long as an utterance) and its agent lifecycle spans (`start_agent_activity`, `on_enter`, …).
 */
export const DEFAULT_COMPONENT_RULES: readonly ComponentRule[] = Object.freeze([
  // LiveKit Agents, then Pipecat: by span name
  ...nameRules(LIVEKIT_SPAN_COMPONENTS),
  ...nameRules(PIPECAT_SPAN_COMPONENTS),
  // The Vercel AI SDK's legacy naming (LegacyOpenTelemetry; its GenAI naming is read by the rules
  // on gen_ai.operation.name below), named as the GenAI naming names the same operations
  {
    spanName: ['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject'],
    component: ComponentType.AGENT,
    operation: 'invoke_agent',
  },
  {
    spanName: [
      'ai.generateText.doGenerate',
      'ai.streamText.doStream',
      'ai.generateObject.doGenerate',
      'ai.streamObject.doStream',
    ],
    component: ComponentType.LLM,
    operation: 'chat',
  },
  { spanName: 'ai.toolCall', component: ComponentType.TOOL, operation: 'execute_tool' },
  // Pipecat's older service span names
  { spanNamePattern: '^stt_', component: ComponentType.STT },
  { spanNamePattern: '^llm_', component: ComponentType.LLM },
  { spanNamePattern: '^tts_', component: ComponentType.TTS },
  // OpenTelemetry GenAI semantic conventions (any framework)
  {
    attribute: GEN_AI_OPERATION,
    value: ['chat', 'text_completion', 'generate_content', 'embeddings'],
    component: ComponentType.LLM,
  },
  { attribute: GEN_AI_OPERATION, value: 'execute_tool', component: ComponentType.TOOL },
  { attribute: GEN_AI_OPERATION, value: ['invoke_agent', 'create_agent'], component: ComponentType.AGENT },
  { attribute: GEN_AI_OPERATION, value: ['stt', 'speech_to_text'], component: ComponentType.STT },
  { attribute: GEN_AI_OPERATION, value: ['tts', 'text_to_speech'], component: ComponentType.TTS },
] satisfies ComponentRule[]);

/** One name rule per span name of a framework's component table. */
function nameRules(components: Readonly<Record<string, ComponentType | null>>): ComponentRule[] {
  return Object.entries(components).map(([spanName, component]) => ({ spanName, component }));
}
