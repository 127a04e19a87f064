import type { Database } from 'better-sqlite3';
import {
  ATTR_GEN_AI_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_STT_AUDIO_DURATION,
  ATTR_TTS_AUDIO_DURATION,
  ATTR_TTS_CHARACTERS,
  ComponentType,
  METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
  METRIC_STT_REAL_TIME_FACTOR,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
  METRIC_TURN_INTERRUPTIONS,
  METRIC_TURN_VOICE_TO_VOICE,
  TURN_OPERATION,
  TURN_STAGES,
} from '@transcriber/instrumentation';
import type { TimeWindow } from './types';

/** One stage of one turn, in ms (null when the turn lacks one of its two marks). */
export interface TurnStageTime {
  stage: string;
  component: string;
  ms: number | null;
}

/** One recorded voice turn (a `pipeline` / `turn` span) with its breakdown; times in ms. */
export interface TurnRecord {
  traceId: string;
  spanId: string;
  startUs: number;
  durationMs: number;
  error: boolean;
  errorType: string | null;
  serviceName: string | null;
  /** User speech end → first audio played. */
  voiceToVoiceMs: number | null;
  /** In pipeline order; when all are there they add up to voiceToVoiceMs. */
  stages: TurnStageTime[];
  /** Every stage is there. */
  complete: boolean;
  interruptions: number;
  llmTimeToFirstChunkMs: number | null;
  llmOutputTokensPerSecond: number | null;
  ttsTimeToFirstByteMs: number | null;
  sttRealTimeFactor: number | null;
  sttAudioSeconds: number | null;
  ttsCharacters: number | null;
  ttsAudioSeconds: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface TurnFilter extends TimeWindow {
  /** Newest first (default) or slowest voice-to-voice first. */
  order?: 'recent' | 'slowest';
  /** At most this many turns (default: all in the window). */
  limit?: number;
}

// Attribute → column alias. The stage columns are s0, s1, … in TURN_STAGES order.
const SECONDS = {
  voiceToVoice: METRIC_TURN_VOICE_TO_VOICE,
  llmTimeToFirstChunk: ATTR_GEN_AI_TIME_TO_FIRST_CHUNK,
  ttsTimeToFirstByte: METRIC_TTS_TIME_TO_FIRST_BYTE,
};
const VALUES = {
  interruptions: METRIC_TURN_INTERRUPTIONS,
  llmOutputTokensPerSecond: METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
  sttRealTimeFactor: METRIC_STT_REAL_TIME_FACTOR,
  sttAudioSeconds: ATTR_STT_AUDIO_DURATION,
  ttsCharacters: ATTR_TTS_CHARACTERS,
  ttsAudioSeconds: ATTR_TTS_AUDIO_DURATION,
  inputTokens: ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  outputTokens: ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
};

/** `json_extract` of one attribute; the key is quoted because it contains dots. */
const attribute = (name: string) => `json_extract(s.attributes, '$."${name}"')`;

const COLUMNS = [
  ...Object.entries({ ...SECONDS, ...VALUES }).map(([alias, name]) => `${attribute(name)} AS ${alias}`),
  ...TURN_STAGES.map((stage, i) => `${attribute(stage.attribute)} AS s${i}`),
].join(',\n  ');

type TurnRow = Record<keyof typeof SECONDS | keyof typeof VALUES | `s${number}`, number | null> & {
  traceId: string;
  spanId: string;
  startUs: number;
  durationMs: number;
  error: number;
  errorType: string | null;
  serviceName: string | null;
};

/**
 * The turns that started in the window, read from the attributes the turn wrote when it ended
 * (seconds there, ms here). Filters are bound parameters; the turn spans are found through the
 * (component, start_us) index.
 */
export function loadTurns(db: Database, filter: TurnFilter): TurnRecord[] {
  const order = filter.order === 'slowest' ? 'voiceToVoice IS NULL, voiceToVoice DESC' : 's.start_us DESC';
  const rows = db
    .prepare(
      `SELECT s.trace_id AS traceId, s.span_id AS spanId, s.start_us AS startUs, s.duration_ms AS durationMs,
              s.status_code = 2 AS error, s.error_type AS errorType, r.service_name AS serviceName,
              ${COLUMNS}
         FROM spans s LEFT JOIN resources r ON r.id = s.resource_id
        WHERE s.component = @component AND s.operation = @operation
          AND s.start_us >= @since AND s.start_us < @until
        ORDER BY ${order} LIMIT @limit`,
    )
    .all({
      component: ComponentType.PIPELINE,
      operation: TURN_OPERATION,
      since: filter.sinceUs,
      until: filter.untilUs ?? Date.now() * 1000 + 1,
      limit: filter.limit ?? -1,
    }) as TurnRow[];
  return rows.map(turnOf);
}

function turnOf(row: TurnRow): TurnRecord {
  const ms = (seconds: number | null) => (typeof seconds === 'number' ? seconds * 1000 : null);
  const stages = TURN_STAGES.map((stage, i) => ({
    stage: stage.stage,
    component: stage.component,
    ms: ms(row[`s${i}`]),
  }));
  return {
    traceId: row.traceId,
    spanId: row.spanId,
    startUs: row.startUs,
    durationMs: row.durationMs,
    error: row.error === 1,
    errorType: row.errorType,
    serviceName: row.serviceName,
    voiceToVoiceMs: ms(row.voiceToVoice),
    stages,
    complete: stages.every((s) => s.ms !== null),
    interruptions: row.interruptions ?? 0,
    llmTimeToFirstChunkMs: ms(row.llmTimeToFirstChunk),
    llmOutputTokensPerSecond: row.llmOutputTokensPerSecond,
    ttsTimeToFirstByteMs: ms(row.ttsTimeToFirstByte),
    sttRealTimeFactor: row.sttRealTimeFactor,
    sttAudioSeconds: row.sttAudioSeconds,
    ttsCharacters: row.ttsCharacters,
    ttsAudioSeconds: row.ttsAudioSeconds,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
  };
}
