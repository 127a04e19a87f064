/** What one measured stage covered, as two instants on one clock (any unit; ms in practice). */
export interface StageInterval {
  readonly from: number;
  readonly to: number;
}

/** A turn's breakdown: voice-to-voice and the part of it each stage explains, in the interval's unit. */
export interface TurnBreakdown {
  /** Speech end → first audio played; undefined when either end is unknown. */
  readonly voiceToVoice: number | undefined;
  /**
   * One per stage of TURN_BREAKDOWN_STAGES: the measured stages in pipeline order (undefined when
   * not measured), then `unexplained` (undefined when voice-to-voice is). With voice-to-voice known
   * they add up to it.
   */
  readonly stages: readonly (number | undefined)[];
}

/**
 * The part of voice-to-voice each measured stage explains, for any source of measurements.
 *
 * Each stage is given as the interval its measurement covers: for our marks, from one mark to the
 * next; for a framework, what its figure measures (LiveKit's end-of-turn delay and transcription
 * delay both run from the end of speech, so they overlap; its time to first token runs from the
 * LLM request, which may start before the user's turn is over). Walking the stages in pipeline
 * order, a stage is credited only with the part of its interval after everything credited before
 * it, and within speech end → first audio played: time is counted once, by the earliest stage
 * that covers it. What no stage covers — a missing measurement, a gap between two steps — is
 * `unexplained`, so the stages always add up to voice-to-voice.
 *
 * `speechEnd` and `played` are the ends of voice-to-voice, when known; without `speechEnd` the
 * walk starts at the first stage's start (the stages are then not anchored to the user's speech,
 * and `unexplained` is voice-to-voice less their sum, never below zero). `voiceToVoice` overrides
 * `played − speechEnd` (for a source that reports only the duration).
 */
export function turnBreakdown(
  speechEnd: number | undefined,
  played: number | undefined,
  intervals: readonly (StageInterval | undefined)[],
  voiceToVoice: number | undefined = speechEnd !== undefined && played !== undefined && played >= speechEnd
    ? played - speechEnd
    : undefined,
): TurnBreakdown {
  let frontier = speechEnd ?? earliestStart(intervals);
  const limit = played ?? Infinity;
  let explained = 0;
  const stages: (number | undefined)[] = [];
  for (const interval of intervals) {
    if (interval === undefined || !(interval.to >= interval.from)) {
      stages.push(undefined);
      continue;
    }
    const to = Math.min(interval.to, limit);
    const from = Math.max(interval.from, frontier);
    const credited = to > from ? to - from : 0;
    stages.push(credited);
    explained += credited;
    if (to > frontier) frontier = to;
  }
  stages.push(voiceToVoice === undefined ? undefined : Math.max(0, voiceToVoice - explained));
  return { voiceToVoice, stages };
}

function earliestStart(intervals: readonly (StageInterval | undefined)[]): number {
  let earliest = Infinity;
  for (const interval of intervals) if (interval !== undefined && interval.from < earliest) earliest = interval.from;
  return earliest;
}
