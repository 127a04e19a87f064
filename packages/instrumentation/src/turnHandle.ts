import { context, diag, type Attributes, type Context } from '@opentelemetry/api';
import { turnBreakdown } from './derive/turnBreakdown';
import { breakdownInSeconds, turnFigureAttributes, type TurnFigures } from './derive/turnFigures';
import {
  ATTR_TURN_SOURCE,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_AUDIO_PLAYED,
  MARK_INTERRUPTION,
  TURN_SOURCE_TRANSCRIBER,
} from './names';
import { OperationHandle } from './operationHandle';
import { turnIn, type TurnSink } from './turnContext';
import { TURN_BOUNDARY_MARKS, TURN_STAGES } from './turnStages';
import { recordTurnHistograms } from './voiceInstruments';

// Of these only the first counts: the first audio byte and the first frame played are what the user
// waits for (a later sentence's synthesis does not move them). The other boundary marks keep their
// latest time until the next stage has begun: the user may pause and go on speaking (the speech end
// that counts is the last one before the endpoint), and an agent may call the LLM for a tool call
// before the call that streams the answer (the first token that counts is the last one before the
// first audio byte).
const KEEP_FIRST: ReadonlySet<string> = new Set([MARK_FIRST_AUDIO_BYTE, MARK_FIRST_AUDIO_PLAYED]);

/**
 * A voice turn: the operation `timeOperation('pipeline', 'turn', …)`. Marks made on it, or on any
 * operation nested in it (found through its context, see TURN_CONTEXT_KEY), become span events of
 * the turn and the points of its breakdown. When it ends it records, as span attributes and
 * histograms: voice-to-voice latency (user speech end → first audio played), each stage between
 * consecutive marks (endpointing, transcription, agent, tts, playout) and the part of
 * voice-to-voice they leave unexplained (a mark never made; see turnBreakdown), so the stages add up
 * to it; interruptions, the usage of its operations (tokens, STT audio seconds, TTS characters and
 * audio seconds; the last three also as histograms, per turn), the first LLM time to first chunk and
 * TTS time to first byte, and the STT real-time factor and LLM tokens per second over its operations.
 */
export class TurnHandle extends OperationHandle implements TurnSink {
  private readonly points = new Map<string, number>();
  private latestBoundary = -1;
  private interruptions = 0;
  private readonly usageSums = new Map<string, number>();
  private readonly firsts = new Map<string, number>();
  private readonly rates = new Map<string, { numerator: number; denominator: number }>();

  override mark(name: string, attributes?: Attributes): void {
    this.noteMark(name, performance.now(), attributes);
  }

  override addUsage(name: string, amount: number): void {
    this.noteUsage(name, amount);
  }

  noteMark(name: string, timeMs: number, attributes?: Attributes): void {
    if (this.ended) return;
    try {
      const boundary = TURN_BOUNDARY_MARKS.indexOf(name);
      if (boundary >= 0) {
        if (KEEP_FIRST.has(name)) {
          if (this.points.has(name)) return; // a repeat (e.g. every frame played): no new event
          this.keep(name, boundary, timeMs);
        } else if (boundary >= this.latestBoundary) {
          this.keep(name, boundary, timeMs);
        }
      } else if (name === MARK_INTERRUPTION) {
        this.interruptions++;
      }
      this.span.addEvent(name, attributes, this.epochTime(timeMs));
    } catch (err) {
      diag.error('transcriber: turn mark failed', err);
    }
  }

  noteUsage(name: string, amount: number): void {
    if (this.ended || typeof amount !== 'number' || !Number.isFinite(amount)) return;
    this.usageSums.set(name, (this.usageSums.get(name) ?? 0) + amount);
  }

  noteFirst(name: string, value: number): void {
    if (this.ended || this.firsts.has(name)) return;
    this.firsts.set(name, value);
  }

  noteRate(name: string, numerator: number, denominator: number): void {
    if (this.ended) return;
    const sum = this.rates.get(name);
    if (sum === undefined) this.rates.set(name, { numerator, denominator });
    else {
      sum.numerator += numerator;
      sum.denominator += denominator;
    }
  }

  override end(error?: unknown): void {
    if (this.ended) return;
    try {
      this.recordFigures();
    } catch (err) {
      diag.error('transcriber: recording a turn failed', err);
    }
    super.end(error);
  }

  private keep(name: string, boundary: number, timeMs: number): void {
    this.points.set(name, timeMs);
    if (boundary > this.latestBoundary) this.latestBoundary = boundary;
  }

  private recordFigures(): void {
    const intervals = TURN_STAGES.map((stage) => {
      const from = this.points.get(stage.from);
      const to = this.points.get(stage.to);
      return from === undefined || to === undefined ? undefined : { from, to };
    });
    const speechEnd = this.points.get(TURN_BOUNDARY_MARKS[0]);
    const played = this.points.get(TURN_BOUNDARY_MARKS[TURN_BOUNDARY_MARKS.length - 1]);
    const values = new Map(this.firsts);
    for (const [name, { numerator, denominator }] of this.rates) {
      if (denominator > 0) values.set(name, numerator / denominator);
    }
    const figures: TurnFigures = {
      ...breakdownInSeconds(turnBreakdown(speechEnd, played, intervals)),
      interruptions: this.interruptions,
      usage: this.usageSums,
      values,
    };
    this.span.setAttributes({ [ATTR_TURN_SOURCE]: TURN_SOURCE_TRANSCRIBER, ...turnFigureAttributes(figures) });
    recordTurnHistograms(this.key.attributes, figures);
  }
}

/**
 * The turn `ctx` (by default the active context) runs in, if any: for code that has no handle
 * of its own, such as an instrumentation of a library, to mark the turn (`activeTurn()?.mark(…)`).
 */
export function activeTurn(ctx: Context = context.active()): TurnHandle | undefined {
  // Not `instanceof`: a turn of another copy of this package has the same shape.
  return turnIn(ctx) as TurnHandle | undefined;
}
