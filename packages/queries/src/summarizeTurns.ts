import type { Database } from 'better-sqlite3';
import { percentileOfSorted } from './percentile';
import { loadTurns } from './turnRows';
import type { TimeWindow } from './types';

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

/** One stage averaged over the complete turns: its part of the average voice-to-voice latency. */
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
  /** Turns with every stage marked (those the average breakdown is over). */
  completeTurns: number;
  failedTurns: number;
  interruptions: number;
  /** Voice-to-voice latency of every turn that has it, ms. */
  voiceToVoiceMs: Distribution | null;
  /** The complete turns' average voice-to-voice latency and its stages; they add up to it. */
  breakdown: { avgVoiceToVoiceMs: number; stages: StageAverage[] } | null;
  llmTimeToFirstChunkMs: Distribution | null;
  ttsTimeToFirstByteMs: Distribution | null;
  sttRealTimeFactor: Distribution | null;
  llmOutputTokensPerSecond: Distribution | null;
}

/** Voice-to-voice percentiles, the average breakdown and the per-operation figures of a window's turns. */
export function summarizeTurns(db: Database, window: TimeWindow): TurnSummary {
  const turns = loadTurns(db, window);
  const complete = turns.filter((t) => t.complete && t.voiceToVoiceMs !== null);
  let breakdown: TurnSummary['breakdown'] = null;
  if (complete.length > 0) {
    const avgVoiceToVoiceMs = average(complete.map((t) => t.voiceToVoiceMs!));
    breakdown = {
      avgVoiceToVoiceMs,
      stages: complete[0].stages.map((stage, i) => {
        const avgMs = average(complete.map((t) => t.stages[i].ms!));
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
    completeTurns: complete.length,
    failedTurns: turns.filter((t) => t.error).length,
    interruptions: turns.reduce((n, t) => n + t.interruptions, 0),
    voiceToVoiceMs: distribution(turns.map((t) => t.voiceToVoiceMs)),
    breakdown,
    llmTimeToFirstChunkMs: distribution(turns.map((t) => t.llmTimeToFirstChunkMs)),
    ttsTimeToFirstByteMs: distribution(turns.map((t) => t.ttsTimeToFirstByteMs)),
    sttRealTimeFactor: distribution(turns.map((t) => t.sttRealTimeFactor)),
    llmOutputTokensPerSecond: distribution(turns.map((t) => t.llmOutputTokensPerSecond)),
  };
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
