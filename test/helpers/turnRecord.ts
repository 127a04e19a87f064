import type { TurnRecord } from '@transcriber/queries';

/** A recorded voice turn, as the read side returns it, with nothing measured but what `fields` sets. */
export function turnRecord(fields: Partial<TurnRecord> = {}): TurnRecord {
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    startUs: 0,
    durationMs: 0,
    error: false,
    errorType: null,
    serviceName: null,
    source: null,
    voiceToVoiceMs: null,
    sourceVoiceToVoiceMs: null,
    stages: [],
    complete: true,
    interruptions: 0,
    llmTimeToFirstChunkMs: null,
    llmOutputTokensPerSecond: null,
    ttsTimeToFirstByteMs: null,
    sttRealTimeFactor: null,
    sttAudioSeconds: null,
    ttsCharacters: null,
    ttsAudioSeconds: null,
    inputTokens: null,
    outputTokens: null,
    ...fields,
  };
}
