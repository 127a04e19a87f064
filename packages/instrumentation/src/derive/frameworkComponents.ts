import { ComponentType } from '../componentType';
import { LIVEKIT_SPAN } from './liveKitTurns';
import { PIPECAT_SPAN } from './pipecatTurns';

/**
 * The component of each LiveKit Agents span (by name), for `transcriber performance` and the other
 * views: null for spans that are no component operation. `user_turn` and `agent_turn` are the two
 * halves of one exchange, which the turn derivation records as one `pipeline` / `turn`: counted as
 * operations themselves they would count each exchange twice. The session and the speaking spans
 * last as long as a call or an utterance; the `*_request` spans are inside their `*_node` span.
 */
export const LIVEKIT_SPAN_COMPONENTS: Readonly<Record<string, ComponentType | null>> = Object.freeze({
  [LIVEKIT_SPAN.SESSION]: null,
  [LIVEKIT_SPAN.USER_TURN]: null,
  [LIVEKIT_SPAN.AGENT_TURN]: null,
  [LIVEKIT_SPAN.USER_SPEAKING]: null,
  [LIVEKIT_SPAN.AGENT_SPEAKING]: null,
  start_agent_activity: null,
  resume_agent_activity: null,
  pause_agent_activity: null,
  drain_agent_activity: null,
  on_enter: null,
  on_exit: null,
  job_entrypoint: null,
  stt_node: ComponentType.STT,
  [LIVEKIT_SPAN.LLM_NODE]: ComponentType.LLM,
  [LIVEKIT_SPAN.TTS_NODE]: ComponentType.TTS,
  [LIVEKIT_SPAN.LLM_REQUEST]: null,
  [LIVEKIT_SPAN.LLM_REQUEST_RUN]: null,
  [LIVEKIT_SPAN.TTS_REQUEST]: null,
  [LIVEKIT_SPAN.TTS_REQUEST_RUN]: null,
  [LIVEKIT_SPAN.FUNCTION_TOOL]: ComponentType.TOOL,
  [LIVEKIT_SPAN.EOU_DETECTION]: ComponentType.VAD,
});

/**
 * The component of each Pipecat span: its `turn` is recorded as the derived `pipeline` / `turn`
 * (not twice); its service spans are operations. Older releases' `<stt|llm|tts>_<service>` names
 * are matched by prefix where rules allow it (see the receiver's default rules).
 */
export const PIPECAT_SPAN_COMPONENTS: Readonly<Record<string, ComponentType | null>> = Object.freeze({
  [PIPECAT_SPAN.CONVERSATION]: null,
  [PIPECAT_SPAN.TURN]: null,
  [PIPECAT_SPAN.STT]: ComponentType.STT,
  [PIPECAT_SPAN.LLM]: ComponentType.LLM,
  [PIPECAT_SPAN.TTS]: ComponentType.TTS,
});
