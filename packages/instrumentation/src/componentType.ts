/**
 * The stages of a voice-agent pipeline. Every operation we record is tagged with one of these
 * (attribute `transcriber.component`), so latency can be read per stage.
 */
export const ComponentType = {
  AUDIO_CAPTURE: 'audio_capture',
  VAD: 'vad',
  STT: 'stt',
  AGENT: 'agent',
  LLM: 'llm',
  TOOL: 'tool',
  TTS: 'tts',
  AUDIO_OUTPUT: 'audio_output',
  PIPELINE: 'pipeline',
} as const;

export type ComponentType = (typeof ComponentType)[keyof typeof ComponentType];

/** All component values, in pipeline order. */
export const COMPONENT_TYPES: readonly ComponentType[] = Object.freeze(Object.values(ComponentType));

export function isComponentType(value: unknown): value is ComponentType {
  return typeof value === 'string' && (COMPONENT_TYPES as readonly string[]).includes(value);
}
