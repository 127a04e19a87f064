import type { Database } from 'better-sqlite3';
import { ComponentType } from '@transcriber/instrumentation/componentType';
import {
  ATTR_GEN_AI_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_STT_AUDIO_DURATION,
  ATTR_TTS_AUDIO_DURATION,
  ATTR_TTS_CHARACTERS,
  METRIC_LLM_OUTPUT_TOKENS_PER_SECOND,
  METRIC_STT_REAL_TIME_FACTOR,
  METRIC_TTS_TIME_TO_FIRST_BYTE,
  ATTR_TURN_SOURCE,
  ATTR_TURN_SOURCE_VOICE_TO_VOICE,
  METRIC_TURN_INTERRUPTIONS,
  METRIC_TURN_VOICE_TO_VOICE,
  TURN_OPERATION,
  TURN_STAGE_UNEXPLAINED,
} from '@transcriber/instrumentation/names';
import { TURN_BREAKDOWN_STAGES } from '@transcriber/instrumentation/turnStages';
import { resourceCondition, spanScope, type ServiceFilter } from './serviceScope';
import type { TimeWindow, TraceSpan } from './types';

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
  /** Where the turn came from: `transcriber` (our marks), `livekit`, `pipecat` (null: not recorded). */
  source: string | null;
  /** User speech end → first audio played. */
  voiceToVoiceMs: number | null;
  /** The source framework's own voice-to-voice figure (LiveKit's `lk.e2e_latency`, …), when it has one. */
  sourceVoiceToVoiceMs: number | null;
  /**
   * In pipeline order, `unexplained` last: with voice-to-voice known they add up to it (a stage
   * not measured is null, and its time is in `unexplained`).
   */
  stages: TurnStageTime[];
  /** Every measured stage is there (nothing of voice-to-voice was left to `unexplained` for want of a mark). */
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

export interface TurnFilter extends TimeWindow, ServiceFilter {
  /** Newest first (default) or slowest voice-to-voice first. */
  order?: 'recent' | 'slowest';
  /** At most this many turns (default: all in the window). */
  limit?: number;
}

/**
 * One numeric attribute in SQL, NULL when absent, not a number, or the attributes are not JSON (a
 * foreign writer's: json_extract would fail the whole query). The key is quoted: it has dots.
 */
const numericAttribute = (name: string) => {
  const path = `'$."${name}"'`;
  return `CASE WHEN json_valid(s.attributes) AND json_type(s.attributes, ${path}) IN ('integer', 'real')
    THEN json_extract(s.attributes, ${path}) END`;
};
const VOICE_TO_VOICE = numericAttribute(METRIC_TURN_VOICE_TO_VOICE);

interface TurnRow {
  traceId: string;
  spanId: string;
  startUs: number;
  durationMs: number;
  error: number;
  errorType: string | null;
  serviceName: string | null;
  attributes: string | null;
}

/**
 * The turns that started in the window, read from the attributes the turn wrote when it ended
 * (seconds there, ms here). Filters are bound parameters; the turn spans are found through the
 * (component, start_us) index. The attributes are parsed here, once a row: a dozen `json_extract`
 * columns cost SQLite more than V8's JSON.parse of the whole object.
 */
export function loadTurns(db: Database, filter: TurnFilter): TurnRecord[] {
  const order = filter.order === 'slowest' ? `${VOICE_TO_VOICE} IS NULL, ${VOICE_TO_VOICE} DESC` : 's.start_us DESC';
  const until = filter.untilUs ?? Date.now() * 1000 + 1;
  const resources = resourceCondition(spanScope(db, { ...filter, untilUs: until }), 's.resource_id');
  const rows = db
    .prepare(
      `SELECT s.trace_id AS traceId, s.span_id AS spanId, s.start_us AS startUs, s.duration_ms AS durationMs,
              s.status_code = 2 AS error, s.error_type AS errorType, r.service_name AS serviceName,
              s.attributes AS attributes
         FROM spans s LEFT JOIN resources r ON r.id = s.resource_id
        WHERE s.component = @component AND s.operation = @operation
          AND s.start_us >= @since AND s.start_us < @until AND ${resources}
        ORDER BY ${order} LIMIT @limit`,
    )
    .all({
      component: ComponentType.PIPELINE,
      operation: TURN_OPERATION,
      since: filter.sinceUs,
      until,
      limit: filter.limit ?? -1,
    }) as TurnRow[];
  return rows.map((row) => turnRecord({ ...row, error: row.error === 1 }, parseAttributes(row.attributes)));
}

/** The turn a `pipeline`/`turn` span of a trace holds: the same reading as the turn listings'. */
export function turnOfSpan(span: TraceSpan): TurnRecord {
  return turnRecord(span, span.attributes);
}

type TurnSpanFields = Pick<
  TurnRecord,
  'traceId' | 'spanId' | 'startUs' | 'durationMs' | 'error' | 'errorType' | 'serviceName'
>;

function turnRecord(span: TurnSpanFields, attributes: Record<string, unknown>): TurnRecord {
  const value = (name: string) => {
    const v = attributes[name];
    return typeof v === 'number' ? v : null;
  };
  const ms = (name: string) => {
    const seconds = value(name);
    return seconds === null ? null : seconds * 1000;
  };
  const stages = TURN_BREAKDOWN_STAGES.map((stage) => ({
    stage: stage.stage,
    component: stage.component,
    ms: ms(stage.attribute),
  }));
  const voiceToVoiceMs = ms(METRIC_TURN_VOICE_TO_VOICE);
  const unexplained = stages[stages.length - 1];
  if (unexplained.ms === null && voiceToVoiceMs !== null) {
    // A turn written before the stage existed: what its stages do not cover.
    const measured = stages.reduce((sum, s) => sum + (s.ms ?? 0), 0);
    unexplained.ms = Math.max(0, voiceToVoiceMs - measured);
  }
  const source = attributes[ATTR_TURN_SOURCE];
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    startUs: span.startUs,
    durationMs: span.durationMs,
    error: span.error,
    errorType: span.errorType,
    serviceName: span.serviceName,
    source: typeof source === 'string' ? source : null,
    voiceToVoiceMs,
    sourceVoiceToVoiceMs: ms(ATTR_TURN_SOURCE_VOICE_TO_VOICE),
    stages,
    complete: stages.every((s) => s.stage === TURN_STAGE_UNEXPLAINED || s.ms !== null),
    interruptions: value(METRIC_TURN_INTERRUPTIONS) ?? 0,
    llmTimeToFirstChunkMs: ms(ATTR_GEN_AI_TIME_TO_FIRST_CHUNK),
    llmOutputTokensPerSecond: value(METRIC_LLM_OUTPUT_TOKENS_PER_SECOND),
    ttsTimeToFirstByteMs: ms(METRIC_TTS_TIME_TO_FIRST_BYTE),
    sttRealTimeFactor: value(METRIC_STT_REAL_TIME_FACTOR),
    sttAudioSeconds: value(ATTR_STT_AUDIO_DURATION),
    ttsCharacters: value(ATTR_TTS_CHARACTERS),
    ttsAudioSeconds: value(ATTR_TTS_AUDIO_DURATION),
    inputTokens: value(ATTR_GEN_AI_USAGE_INPUT_TOKENS),
    outputTokens: value(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS),
  };
}

/** A span's attributes object; nothing when absent or not a JSON object (a foreign writer's). */
function parseAttributes(json: string | null): Record<string, unknown> {
  if (json === null) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
