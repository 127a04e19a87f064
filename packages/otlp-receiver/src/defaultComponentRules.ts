import { ComponentType } from '@transcriber/instrumentation/componentType';
import type { ComponentRule } from './componentRules';

const GEN_AI_OPERATION = 'gen_ai.operation.name';

/**
 * The built-in rules for telemetry from other voice-agent frameworks, tried after the user's own.
 * Sources (span names as those projects emit them):
 * - LiveKit Agents (`livekit-agents`, livekit/agents/telemetry): a session span `agent_session`;
 *   per exchange `user_turn` (speech, transcription, end-of-utterance detection `eou_detection`)
 *   and `agent_turn`, which holds `llm_node` → `llm_request` and `tts_node` → `tts_request`, and
 *   `function_tool` for each tool call.
 * - Pipecat (`pipecat-ai[tracing]`, pipecat/utils/tracing): `conversation` → `turn` → `stt`,
 *   `llm`, `tts`; earlier releases named service spans `<stt|llm|tts>_<service class>`, e.g.
 *   `stt_deepgramsttservice`.
 * - OpenTelemetry GenAI semantic conventions: `gen_ai.operation.name` (`chat`, `text_completion`,
 *   `generate_content`, `embeddings`, `execute_tool`, `invoke_agent`, `create_agent`); Pipecat also
 *   sets it to `stt` and `tts` on its speech spans.
 * Session spans (`agent_session`, `conversation`) last the whole call: counted as operations they
 * would swamp the pipeline's latency, so they stay without a component, as do LiveKit's
 * `*_request` spans, whose time is already inside the `*_node` span around them.
 */
export const DEFAULT_COMPONENT_RULES: readonly ComponentRule[] = Object.freeze([
  // LiveKit Agents
  { spanName: 'agent_session', component: null },
  { spanName: ['user_turn', 'agent_turn'], component: ComponentType.PIPELINE },
  { spanName: 'stt_node', component: ComponentType.STT },
  { spanName: 'llm_node', component: ComponentType.LLM },
  { spanName: 'tts_node', component: ComponentType.TTS },
  { spanName: ['llm_request', 'llm_request_run', 'tts_request', 'tts_request_run'], component: null },
  { spanName: 'function_tool', component: ComponentType.TOOL },
  { spanName: 'eou_detection', component: ComponentType.VAD },
  // Pipecat
  { spanName: 'conversation', component: null },
  { spanName: 'turn', component: ComponentType.PIPELINE },
  { spanName: 'stt', component: ComponentType.STT },
  { spanName: 'llm', component: ComponentType.LLM },
  { spanName: 'tts', component: ComponentType.TTS },
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
