import type { HrTime } from '@opentelemetry/api';

/**
 * Turns `performance.now()` readings into epoch times with one correction shared by every
 * operation of the process, so all our spans lie on one timeline.
 *
 * Why not leave it to the SDK: a span converts `performance.now()` times with an offset it takes
 * at its own start from `Date.now()`, whose resolution is a millisecond. Two spans' timelines can
 * then disagree by up to 1 ms — longer than a VAD frame takes — so a child could appear to start
 * before its parent, and a turn's marks would not line up with the spans they came from.
 *
 * The correction (wall clock − `performance.timeOrigin` − `performance.now()`) still follows the
 * wall clock: when `Date.now()` moves away from it by more than `RESYNC_MS` (an NTP step, a
 * machine waking from sleep), it is taken again. A reading is `Date.now()` truncated to the
 * millisecond, so it lies up to 1 ms below the true value; half a millisecond is added to centre
 * it, and readings within `RESYNC_MS` are noise, not drift. A reading further away is followed
 * only once a second one agrees with it: one alone may be a thread descheduled between the
 * operation's `performance.now()` and this `Date.now()` (a loaded machine does that for ms), and
 * taking it would shift every later span by that pause.
 */
const RESYNC_MS = 2;

const ORIGIN_MS = performance.timeOrigin;
const ORIGIN_WHOLE_MS = Math.floor(ORIGIN_MS);
const ORIGIN_FRACTION_MS = ORIGIN_MS - ORIGIN_WHOLE_MS;

let correctionMs = Number.NaN;
/** A reading away from the correction, followed if the next one agrees with it (NaN: none). */
let pendingMs = Number.NaN;

/** The correction to use for an operation starting at `nowMs` (a `performance.now()` reading). */
export function epochCorrectionMs(nowMs: number): number {
  const reading = Date.now() - ORIGIN_MS - nowMs + 0.5;
  if (Math.abs(reading - correctionMs) <= RESYNC_MS) {
    pendingMs = Number.NaN;
  } else if (Number.isNaN(correctionMs) || Math.abs(reading - pendingMs) <= RESYNC_MS) {
    // The first reading, or a step a second reading confirmed.
    correctionMs = reading;
    pendingMs = Number.NaN;
  } else {
    pendingMs = reading;
  }
  return correctionMs;
}

/**
 * `performance.now()` ms → epoch HrTime, to the nanosecond. Epoch milliseconds as one double
 * (~1.8e12) keep only a quarter of a microsecond: the small parts are added first and the whole
 * milliseconds of the origin last, as integers, so the difference of two times is exact.
 */
export function epochHrTime(nowMs: number, correction: number): HrTime {
  const relativeMs = nowMs + correction + ORIGIN_FRACTION_MS;
  const wholeRelativeMs = Math.floor(relativeMs);
  const epochWholeMs = ORIGIN_WHOLE_MS + wholeRelativeMs;
  let seconds = Math.floor(epochWholeMs / 1000);
  let nanos = Math.round((epochWholeMs - seconds * 1000 + (relativeMs - wholeRelativeMs)) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}
