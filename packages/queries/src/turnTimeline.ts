import type { Database } from 'better-sqlite3';
import { ComponentType } from '@transcriber/instrumentation/componentType';
import { METRIC_TURN_VOICE_TO_VOICE, TURN_OPERATION } from '@transcriber/instrumentation/names';
import { percentileOfSorted } from './percentile';
import { resourceCondition, spanScope, type ServiceFilter } from './serviceScope';
import { timeSteps, type TimeSteps } from './timeSteps';

/** Voice-to-voice latency per step. */
export interface TurnTimeline extends Pick<TimeSteps, 'stepMinutes' | 'timesUs'> {
  /** Turns read in each step (with or without a voice-to-voice latency). */
  turns: number[];
  p50Ms: (number | null)[];
  p95Ms: (number | null)[];
  /** Per step: it held more turns than `perStep`, and only the first `perStep` were read. */
  sampled: boolean[];
  perStep: number;
}

export interface TurnTimelineFilter extends ServiceFilter {
  sinceUs: number;
  untilUs: number;
  maxPoints?: number;
  /** Turns read at most per step (the first ones of the step). Default 100. */
  perStep?: number;
}

const DEFAULT_PER_STEP = 100;

/**
 * Voice-to-voice p50/p95 per step (whole minutes) from the turn spans' own attribute. There is no
 * rollup of turns, and reading every turn costs ~1 µs each (0.12 s for the 111,000 turns of an hour
 * in the CLI benchmark's data), so each step reads at most `perStep` turns, the first of the step,
 * through the (component, start_us) index, and says when it did: exact up to that many turns a
 * step (100 a minute: a turn every 0.6 s).
 */
export function turnTimeline(db: Database, filter: TurnTimelineFilter): TurnTimeline {
  const steps = timeSteps(filter, filter.maxPoints);
  const perStep = Math.max(1, Math.floor(filter.perStep ?? DEFAULT_PER_STEP));
  const path = `'$."${METRIC_TURN_VOICE_TO_VOICE}"'`;
  const inStep = db
    .prepare(
      // json_valid guards against a foreign writer's malformed attributes (json_extract would fail
      // the query); whether the value is a number is checked here, saving SQLite a third parse.
      `SELECT CASE WHEN json_valid(s.attributes) THEN json_extract(s.attributes, ${path}) END
         FROM spans s INDEXED BY spans_component_start
        WHERE s.component = @component AND s.start_us >= @from AND s.start_us < @to AND s.operation = @operation
          AND ${resourceCondition(spanScope(db, filter), 's.resource_id')}
        ORDER BY s.start_us LIMIT @limit`,
    )
    .pluck();
  const timeline: TurnTimeline = {
    stepMinutes: steps.stepMinutes,
    timesUs: steps.timesUs,
    turns: [],
    p50Ms: [],
    p95Ms: [],
    sampled: [],
    perStep,
  };
  for (const from of steps.timesUs) {
    const values = inStep.all({
      component: ComponentType.PIPELINE,
      operation: TURN_OPERATION,
      from: Math.max(from, filter.sinceUs),
      to: Math.min(from + steps.stepUs, filter.untilUs),
      limit: perStep + 1,
    }) as unknown[];
    const sampled = values.length > perStep;
    if (sampled) values.length = perStep;
    const seconds = Float64Array.from(values.filter((v): v is number => typeof v === 'number')).sort();
    timeline.turns.push(values.length);
    timeline.sampled.push(sampled);
    timeline.p50Ms.push(seconds.length === 0 ? null : percentileOfSorted(seconds, 50) * 1000);
    timeline.p95Ms.push(seconds.length === 0 ? null : percentileOfSorted(seconds, 95) * 1000);
  }
  return timeline;
}
