import {
  ATTR_COMPONENT,
  ATTR_OPERATION,
  ATTR_TURN_SOURCE,
  ATTR_TURN_SOURCE_VOICE_TO_VOICE,
  TURN_OPERATION,
} from '../names';
import type { SpanShape } from './spanShape';
import { turnFigureAttributes, type TurnFigures } from './turnFigures';

/** A voice turn built from a framework's spans: one exchange, from the user's speech to the answer. */
export interface DerivedTurn {
  /** `livekit`, `pipecat`. */
  readonly source: string;
  readonly traceId: string;
  /** The span the turn goes under (the framework's session or conversation span), if any. */
  readonly parentSpanId: string | undefined;
  /** The framework span the turn is built around (LiveKit's `user_turn`, Pipecat's `turn`), as given. */
  readonly anchor: SpanShape;
  /** Epoch milliseconds. */
  readonly startMs: number;
  readonly endMs: number;
  readonly figures: TurnFigures;
  /**
   * The turn's points as our marks name them (`user_speech_end`, …, `first_audio_played`), where
   * the source's spans give them, epoch ms: span events of the turn span, as a timed turn has.
   */
  readonly marks: readonly { readonly name: string; readonly timeMs: number }[];
  /** The framework's own voice-to-voice figure, seconds, when it reports one. */
  readonly sourceVoiceToVoice: number | undefined;
}

/**
 * Every attribute of the turn span of `turn`: the same `pipeline` / `turn` operation and
 * `transcriber.turn.*` attributes a turn timed with our own marks has, its source, and the source's
 * own voice-to-voice figure beside ours.
 */
/** The marks among `points` whose time is known, in time order. */
export function knownMarks(points: readonly [string, number | undefined][]): { name: string; timeMs: number }[] {
  return points
    .filter((p): p is [string, number] => p[1] !== undefined && Number.isFinite(p[1]))
    .map(([name, timeMs]) => ({ name, timeMs }))
    .sort((a, b) => a.timeMs - b.timeMs);
}

export function derivedTurnAttributes(turn: DerivedTurn): Record<string, string | number> {
  const attributes: Record<string, string | number> = {
    [ATTR_COMPONENT]: 'pipeline',
    [ATTR_OPERATION]: TURN_OPERATION,
    [ATTR_TURN_SOURCE]: turn.source,
    ...turnFigureAttributes(turn.figures),
  };
  if (turn.sourceVoiceToVoice !== undefined) attributes[ATTR_TURN_SOURCE_VOICE_TO_VOICE] = turn.sourceVoiceToVoice;
  return attributes;
}

/**
 * A span id for the turn derived from `anchorSpanId` (16 hex digits): the same exchange always gets
 * the same id, so a request a sender retries cannot store one turn twice under two ids. The anchor's
 * bits are flipped by a fixed mask, which maps distinct ids to distinct ids.
 */
export function derivedTurnSpanId(anchorSpanId: string): string {
  let id = '';
  for (let i = 0; i < 16; i++) {
    const digit = HEX_VALUE.get(anchorSpanId[i]) ?? 0;
    id += HEX_DIGITS[digit ^ MASK[i]];
  }
  return id;
}

const HEX_DIGITS = '0123456789abcdef';
const HEX_VALUE: ReadonlyMap<string | undefined, number> = new Map(
  [...HEX_DIGITS, ...'ABCDEF'].map((c, i) => [c, i < 16 ? i : i - 6]),
);
// "transcri" as 16 hex digits.
const MASK: readonly number[] = [...'7472616e73637269'].map((c) => HEX_VALUE.get(c)!);

/** Epoch milliseconds (fractional) as OpenTelemetry's [seconds, nanoseconds], for the turn span's times. */
export function epochMsToHrTime(epochMs: number): [number, number] {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.min(999_999_999, Math.round((epochMs - seconds * 1000) * 1e6))];
}
