import { minuteOf } from '@transcriber/storage/databases';

const MINUTE_US = 60_000_000;

/** The points of a chart over a window: whole minutes, or several minutes a point for long windows. */
export interface TimeSteps {
  /** Start of the first step: the minute the window starts in. */
  firstUs: number;
  /** Length of a step. */
  stepUs: number;
  stepMinutes: number;
  /** Start of each step, oldest first; the last one holds the window's end. */
  timesUs: number[];
  /** The window's end (exclusive). */
  untilUs: number;
}

/**
 * Minute-aligned steps covering [sinceUs, untilUs): one a minute while that makes at most
 * `maxPoints`, else the fewest whole minutes a step that does. A step is the minutes it covers
 * whole: the per-minute rollup cannot split a minute.
 */
export function timeSteps(window: { sinceUs: number; untilUs: number }, maxPoints = 240): TimeSteps {
  if (!(window.untilUs > window.sinceUs)) throw new RangeError('the window must end after it starts');
  const firstUs = minuteOf(window.sinceUs);
  const minutes = Math.ceil((window.untilUs - firstUs) / MINUTE_US);
  const stepMinutes = Math.max(1, Math.ceil(minutes / Math.max(1, Math.floor(maxPoints))));
  const stepUs = stepMinutes * MINUTE_US;
  const timesUs: number[] = [];
  for (let t = firstUs; t < window.untilUs; t += stepUs) timesUs.push(t);
  return { firstUs, stepUs, stepMinutes, timesUs, untilUs: window.untilUs };
}
