import type { TurnRecord } from '@transcriber/queries';
import type { Window } from './window';

// The result of `transcriber turns`.

/** A turn as listed: its record and the stage that took longest. */

export interface ListedTurn extends TurnRecord {
  slowestStage: string | null;
}

export interface TurnsResult {
  window: Window;
  /** The service asked for; null: every service but benchmark runs'. */
  service: string | null;
  order: 'recent' | 'slowest';
  turns: ListedTurn[];
}

/** The stage with the longest time (null when none has a time). */
export function slowestStageOf(stages: readonly { stage: string; ms: number | null }[]): string | null {
  let slowest: { stage: string; ms: number | null } | undefined;
  for (const stage of stages) {
    if (stage.ms !== null && (slowest === undefined || stage.ms > slowest.ms!)) slowest = stage;
  }
  return slowest?.stage ?? null;
}
