import { METRIC_TURN_INTERRUPTIONS, METRIC_TURN_VOICE_TO_VOICE } from '../names';
import { TURN_BREAKDOWN_STAGES } from '../turnStages';
import type { TurnBreakdown } from './turnBreakdown';

/** What a turn records when it ends, whatever measured it; durations in seconds. */
export interface TurnFigures {
  /** User speech end → first audio played. */
  readonly voiceToVoice: number | undefined;
  /** One per stage of TURN_BREAKDOWN_STAGES (undefined: not measured). */
  readonly stages: readonly (number | undefined)[];
  readonly interruptions: number;
  /** Usage sums of the turn (tokens, audio seconds, characters), by usage name. */
  readonly usage: ReadonlyMap<string, number>;
  /** Other figures kept as span attributes (first time to first chunk / byte, rates). */
  readonly values: ReadonlyMap<string, number>;
}

/** A breakdown measured in milliseconds, as seconds. */
export function breakdownInSeconds(breakdown: TurnBreakdown): Pick<TurnFigures, 'voiceToVoice' | 'stages'> {
  return {
    voiceToVoice: breakdown.voiceToVoice === undefined ? undefined : breakdown.voiceToVoice / 1000,
    stages: breakdown.stages.map((ms) => (ms === undefined ? undefined : ms / 1000)),
  };
}

/** The turn span attributes of `figures`: what `recentTurns` / `summarizeTurns` read back. */
export function turnFigureAttributes(figures: TurnFigures): Record<string, number> {
  const attributes: Record<string, number> = {};
  for (const [i, stage] of TURN_BREAKDOWN_STAGES.entries()) {
    const seconds = figures.stages[i];
    if (seconds !== undefined) attributes[stage.attribute] = seconds;
  }
  if (figures.voiceToVoice !== undefined) attributes[METRIC_TURN_VOICE_TO_VOICE] = figures.voiceToVoice;
  attributes[METRIC_TURN_INTERRUPTIONS] = figures.interruptions;
  for (const [name, amount] of figures.usage) attributes[name] = amount;
  for (const [name, value] of figures.values) attributes[name] = value;
  return attributes;
}
