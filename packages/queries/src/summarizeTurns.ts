import type { Database } from 'better-sqlite3';
import { percentileOfSorted } from './percentile';
import { loadTurns, type TurnFilter, type TurnRecord } from './turnRows';

/** Distribution of one figure over the turns that have it, ms (or the figure's own unit). */
export interface Distribution {
  count: number;
  avg: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

/** One stage averaged over the turns with a voice-to-voice latency: its part of the average. */
export interface StageAverage {
  stage: string;
  component: string;
  avgMs: number;
  /** avgMs ÷ the complete turns' average voice-to-voice latency (0–1). */
  share: number;
}

/** The voice turns of a window: how long users waited, and where the time went. */
export interface TurnSummary {
  turns: number;
  /** Turns with every measured stage there (nothing left to `unexplained` for want of a mark). */
  completeTurns: number;
  failedTurns: number;
  interruptions: number;
  /** Voice-to-voice latency of every turn that has it, ms. */
  voiceToVoiceMs: Distribution | null;
  /**
   * The average voice-to-voice latency of the turns that have one, and its stages (a stage a turn
   * did not measure counts 0 there: that time is in the turn's `unexplained`); they add up to it.
   */
  breakdown: { turns: number; avgVoiceToVoiceMs: number; stages: StageAverage[] } | null;
  /** Turns per source (`transcriber`, `livekit`, `pipecat`; `unknown` when not recorded), most first. */
  sources: { source: string; turns: number }[];
  /**
   * Our voice-to-voice less the source framework's own figure, over the turns that have both (ms;
   * positive: ours is longer).
   */
  sourceDifferenceMs: Distribution | null;
  llmTimeToFirstChunkMs: Distribution | null;
  ttsTimeToFirstByteMs: Distribution | null;
  sttRealTimeFactor: Distribution | null;
  llmOutputTokensPerSecond: Distribution | null;
}

/** Voice-to-voice percentiles, the average breakdown and the per-operation figures of a window's turns. */
export function summarizeTurns(db: Database, window: Pick<TurnFilter, 'sinceUs' | 'untilUs' | 'service'>): TurnSummary {
  const turns = loadTurns(db, window);
  const timed = turns.filter((t) => t.voiceToVoiceMs !== null);
  let breakdown: TurnSummary['breakdown'] = null;
  if (timed.length > 0) {
    const avgVoiceToVoiceMs = average(timed.map((t) => t.voiceToVoiceMs!));
    breakdown = {
      turns: timed.length,
      avgVoiceToVoiceMs,
      stages: timed[0].stages.map((stage, i) => {
        const avgMs = average(timed.map((t) => t.stages[i].ms ?? 0));
        return {
          stage: stage.stage,
          component: stage.component,
          avgMs,
          share: avgVoiceToVoiceMs > 0 ? avgMs / avgVoiceToVoiceMs : 0,
        };
      }),
    };
  }
  return {
    turns: turns.length,
    completeTurns: turns.filter((t) => t.complete && t.voiceToVoiceMs !== null).length,
    failedTurns: turns.filter((t) => t.error).length,
    interruptions: turns.reduce((n, t) => n + t.interruptions, 0),
    voiceToVoiceMs: distribution(turns.map((t) => t.voiceToVoiceMs)),
    breakdown,
    sources: sourcesOf(turns),
    sourceDifferenceMs: distribution(
      turns.map((t) =>
        t.voiceToVoiceMs === null || t.sourceVoiceToVoiceMs === null ? null : t.voiceToVoiceMs - t.sourceVoiceToVoiceMs,
      ),
    ),
    llmTimeToFirstChunkMs: distribution(turns.map((t) => t.llmTimeToFirstChunkMs)),
    ttsTimeToFirstByteMs: distribution(turns.map((t) => t.ttsTimeToFirstByteMs)),
    sttRealTimeFactor: distribution(turns.map((t) => t.sttRealTimeFactor)),
    llmOutputTokensPerSecond: distribution(turns.map((t) => t.llmOutputTokensPerSecond)),
  };
}

function sourcesOf(turns: readonly TurnRecord[]): { source: string; turns: number }[] {
  const counts = new Map<string, number>();
  for (const t of turns) counts.set(t.source ?? 'unknown', (counts.get(t.source ?? 'unknown') ?? 0) + 1);
  return [...counts].map(([source, n]) => ({ source, turns: n })).sort((a, b) => b.turns - a.turns);
}

function distribution(values: (number | null)[]): Distribution | null {
  const sorted = Float64Array.from(values.filter((v): v is number => v !== null)).sort();
  if (sorted.length === 0) return null;
  return {
    count: sorted.length,
    avg: average(sorted),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    p50: percentileOfSorted(sorted, 50),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
  };
}

function average(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length === 0 ? NaN : sum / values.length;
}
