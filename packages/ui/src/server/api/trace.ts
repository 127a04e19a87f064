import {
  coveringProfiles,
  criticalPath,
  getTrace,
  traceProcess,
  traceTree,
  type TraceTurn,
} from '@transcriber/queries';
import type { StageSpan, TraceMark, TraceResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { read, readOrMissing } from '../dataAccess';
import { badRequest, HttpError } from '../httpError';

/**
 * `/api/traces/<traceId>`: one trace as `transcriber traces show` lays it out (the read side's
 * traceTree: the span tree and its turns), its critical path, the turns' marks and stages on the
 * trace's time axis, and the profiles that cover it.
 */
export const traceApi: ApiHandler = {
  params: [],
  handle({ dataDir, match }): TraceResponse {
    const traceId = match[0].toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(traceId))
      throw badRequest(`trace id ${JSON.stringify(match[0])} is not 32 hexadecimal digits`);
    const { spans, process } = read(dataDir, 'performance_metrics', (db) => ({
      spans: getTrace(db, traceId),
      process: traceProcess(db, traceId),
    }));
    if (spans.length === 0) throw new HttpError(404, `no trace ${traceId} in ${dataDir}`);
    const trace = traceTree(traceId, spans);
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
      turn: trace.turns[0]?.turn ?? null,
      marks: trace.turns.flatMap((t) => marksOf(t, trace.startUs)),
      stages: trace.turns.flatMap((t) => stagesOf(t, trace.startUs)),
      profiles: covering.profiles,
      ...(covering.missing === undefined ? {} : { profilesMissing: covering.missing }),
    };
  },
};

function marksOf(turn: TraceTurn, traceStartUs: number): TraceMark[] {
  return turn.marks.map((m) => ({ name: m.name, timeUs: traceStartUs + m.offsetMs * 1000, spanId: turn.spanId }));
}

/**
 * The turn's stages end to end from where traceTurns says they begin, in the order the turn lists
 * them: whatever stages the record has are placed (a stage of a newer turn model needs nothing
 * here). None when the turn lacks the marks to place them.
 */
function stagesOf(turn: TraceTurn, traceStartUs: number): StageSpan[] {
  if (turn.stagesFromMs === null) return [];
  let at = traceStartUs + turn.stagesFromMs * 1000;
  return turn.turn.stages
    .filter((s) => s.ms !== null)
    .map((s) => {
      const startUs = at;
      at += s.ms! * 1000;
      return { stage: s.stage, component: s.component, startUs, endUs: at, ms: s.ms! };
    });
}
