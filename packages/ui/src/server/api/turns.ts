import {
  histogramOf,
  newestStart,
  niceBinMs,
  percentilesOf,
  recentTurns,
  stageDistributions,
  turnSamples,
  type TurnRecord,
} from '@transcriber/queries';
import type { TurnsResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { readOrMissing } from '../dataAccess';

/** Turns the summary covers at most: the newest of the window (as `transcriber performance`). */
export const MAX_SUMMARIZED_TURNS = 2000;
/** What people usually aim voice-to-voice at (see ANCHORS: 500–800 ms). */
export const TARGET_BAND_MS: [number, number] = [500, 800];

/**
 * `/api/turns`: the newest (or slowest) turns with their stages, and over the window (its newest
 * 2,000 turns at most) the percentiles of voice-to-voice and of each stage, and a histogram.
 */
export const turnsApi: ApiHandler = {
  params: ['minutes', 'from', 'to', 'service', 'limit', 'order'],
  handle({ dataDir, params }): TurnsResponse {
    const window = params.window(60);
    const service = params.service();
    const limit = params.number('limit', { min: 1, max: 1000, integer: true }) ?? 100;
    const order = params.oneOf('order', ['recent', 'slowest'] as const, 'recent');
    const empty: TurnsResponse = {
      window,
      service: service ?? null,
      order,
      turns: [],
      summary: summaryOf([], null),
    };
    return readOrMissing(
      dataDir,
      'performance_metrics',
      (db) => {
        // Figures over the newest turns only: reading a turn costs ~30 µs. The slowest are those of
        // the same turns (finding them costs a read of every turn of the window otherwise: 0.4 s
        // for the 111,000 of the CLI benchmark's hour).
        const since = newestStart(db, {
          component: 'pipeline',
          ...window,
          count: MAX_SUMMARIZED_TURNS,
          service,
        });
        const covered = recentTurns(db, {
          sinceUs: since,
          untilUs: window.untilUs,
          limit: MAX_SUMMARIZED_TURNS,
          service,
        });
        const turns =
          order === 'slowest' ? slowestOf(covered, limit) : recentTurns(db, { ...window, order, limit, service });
        return { ...empty, turns, summary: summaryOf(covered, since > window.sinceUs ? since : null) };
      },
      empty,
    );
  },
};

function summaryOf(turns: readonly TurnRecord[], cappedSinceUs: number | null): TurnsResponse['summary'] {
  const samples = turnSamples(turns);
  let max = 0;
  for (const v of samples.voiceToVoiceMs) if (v > max) max = v;
  // Bins fine enough to show the target band's edges: at most 50 ms wide up to 2 s.
  const binMs = Math.min(niceBinMs(Math.max(max, TARGET_BAND_MS[1]), 40), max <= 2000 ? 50 : Infinity);
  return {
    turns: turns.length,
    cappedSinceUs,
    maxTurns: MAX_SUMMARIZED_TURNS,
    voiceToVoiceMs: percentilesOf(samples.voiceToVoiceMs),
    stages: stageDistributions(samples),
    interruptions: turns.reduce((n, t) => n + t.interruptions, 0),
    failedTurns: turns.filter((t) => t.error).length,
    histogram: { binMs, bins: histogramOf(samples.voiceToVoiceMs, binMs) },
    targetBandMs: TARGET_BAND_MS,
  };
}

/**
 * The slowest of turns already read (voice-to-voice descending, turns without one last, the later
 * first among equals), as `recentTurns` orders them for `slowest`.
 */
function slowestOf(turns: readonly TurnRecord[], limit: number): TurnRecord[] {
  const v2v = (t: TurnRecord) => t.voiceToVoiceMs ?? -Infinity;
  return [...turns].sort((a, b) => v2v(b) - v2v(a) || b.startUs - a.startUs).slice(0, limit);
}
