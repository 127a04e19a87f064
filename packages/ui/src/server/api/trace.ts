import type { Database } from 'better-sqlite3';
import { MARK_FIRST_AUDIO_PLAYED, MARK_USER_SPEECH_END, TURN_OPERATION } from '@transcriber/instrumentation/names';
import {
  coveringProfiles,
  criticalPath,
  getTrace,
  recentTurns,
  traceProcess,
  traceTree,
  type TraceSpan,
  type TurnRecord,
} from '@transcriber/queries';
import type { StageSpan, TraceMark, TraceResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { read, readOrMissing } from '../dataAccess';
import { badRequest, HttpError } from '../httpError';

/**
 * `/api/traces/<traceId>`: one trace as a waterfall (`transcriber traces show`'s tree), its critical
 * path, its turn with the turn's marks and stages on the trace's time axis, and the profiles that
 * cover it.
 */
export const traceApi: ApiHandler = {
  params: [],
  handle({ dataDir, match }): TraceResponse {
    const traceId = match[0].toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(traceId))
      throw badRequest(`trace id ${JSON.stringify(match[0])} is not 32 hexadecimal digits`);
    const { spans, turn, process } = read(dataDir, 'performance_metrics', (db) => {
      const spans = getTrace(db, traceId);
      const turnSpan = spans.find((s) => s.component === 'pipeline' && s.operation === TURN_OPERATION);
      return { spans, turn: turnSpan === undefined ? null : turnOf(db, turnSpan), process: traceProcess(db, traceId) };
    });
    if (spans.length === 0) throw new HttpError(404, `no trace ${traceId} in ${dataDir}`);
    const trace = traceTree(traceId, spans);
    const turnSpan = turn === null ? undefined : spans.find((s) => s.spanId === turn.spanId);
    const marks: TraceMark[] = (turnSpan?.events ?? []).map((e) => ({
      name: e.name,
      timeUs: e.time_us,
      spanId: turnSpan!.spanId,
    }));
    const endUs = spans.reduce((end, s) => Math.max(end, s.endUs), 0);
    const covering = readOrMissing(
      dataDir,
      'profile_results',
      (db) => ({ profiles: coveringProfiles(db, { traceId, startUs: trace.startUs, endUs, pid: process.pid }) }),
      { profiles: [] },
    );
    return {
      trace,
      criticalPath: criticalPath(spans),
      turn,
      marks,
      stages: turn === null ? [] : stagesOf(turn, marks),
      profiles: covering.profiles,
      ...(covering.missing === undefined ? {} : { profilesMissing: covering.missing }),
    };
  },
};

/** The turn of a turn span, read as the turns list reads it (the span's service: never filtered out). */
function turnOf(db: Database, span: TraceSpan): TurnRecord | null {
  const turns = recentTurns(db, {
    sinceUs: span.startUs,
    untilUs: span.startUs + 1,
    limit: 1000,
    service: span.serviceName ?? undefined,
  });
  return turns.find((t) => t.spanId === span.spanId) ?? null;
}

/**
 * The turn's stages end to end, in the order the turn lists them, ending where voice-to-voice ends
 * (the first `first_audio_played` mark); without it, starting at the last `user_speech_end` mark
 * before the first audio (the turn keeps the latest), else at the turn's start. Whatever stages the
 * record has are placed: a stage of a newer turn model needs nothing here.
 */
function stagesOf(turn: TurnRecord, marks: readonly TraceMark[]): StageSpan[] {
  const timed = turn.stages.filter((s) => s.ms !== null);
  const totalUs = timed.reduce((sum, s) => sum + s.ms! * 1000, 0);
  const played = marks.find((m) => m.name === MARK_FIRST_AUDIO_PLAYED);
  const spoken = marks.filter(
    (m) => m.name === MARK_USER_SPEECH_END && (played === undefined || m.timeUs <= played.timeUs),
  );
  let at =
    played !== undefined
      ? played.timeUs - (turn.voiceToVoiceMs !== null ? turn.voiceToVoiceMs * 1000 : totalUs)
      : spoken.length > 0
        ? spoken[spoken.length - 1].timeUs
        : turn.startUs;
  return timed.map((s) => {
    const startUs = at;
    at += s.ms! * 1000;
    return { stage: s.stage, component: s.component, startUs, endUs: at, ms: s.ms! };
  });
}
