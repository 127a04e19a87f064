import { componentTimeline, resourceTimeline, turnTimeline } from '@transcriber/queries';
import type { OverTimeResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { readOrMissing } from '../dataAccess';

/**
 * `/api/over-time`: per step (a minute, or more for long windows) p50/p95, operations and errors
 * per component (the rollup), voice-to-voice, and the processes' resources, on one time axis.
 */
export const overTimeApi: ApiHandler = {
  params: ['minutes', 'from', 'to', 'service', 'points'],
  handle({ dataDir, params }): OverTimeResponse {
    const window = params.window(60);
    const service = params.service();
    const maxPoints = params.number('points', { min: 10, max: 1000, integer: true }) ?? 240;
    const filter = { ...window, service, maxPoints };
    const empty: OverTimeResponse = {
      window,
      service: service ?? null,
      components: { stepMinutes: 1, timesUs: [], components: [] },
      turns: { stepMinutes: 1, timesUs: [], turns: [], p50Ms: [], p95Ms: [], sampled: [], perStep: 0 },
      resources: { stepMinutes: 1, timesUs: [], processes: [] },
    };
    return readOrMissing(
      dataDir,
      'performance_metrics',
      (db) => ({
        ...empty,
        components: componentTimeline(db, filter),
        turns: turnTimeline(db, filter),
        resources: resourceTimeline(db, filter),
      }),
      empty,
    );
  },
};
