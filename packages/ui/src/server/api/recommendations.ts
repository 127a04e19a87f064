import {
  OptimizerInputError,
  RECOMMENDATION_COMPONENTS,
  recommendFromRecords,
} from '@transcriber/optimizer/recommendations';
import { QueryError } from '@transcriber/queries';
import type { RecommendationsResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { httpErrorOf } from '../dataAccess';
import { badRequest } from '../httpError';

/**
 * `/api/recommendations`: the optimizer's recommendations from the recorded data, with evidence.
 * Read-only (`recommendFromRecords`): unlike `transcriber optimize`, listing logs nothing to
 * optimization_logs.db, so a page refreshing it leaves no trace.
 */
export const recommendationsApi: ApiHandler = {
  params: ['minutes', 'service', 'component'],
  handle({ dataDir, params }): RecommendationsResponse {
    const minutes = params.number('minutes', { min: 1 / 60, max: 60 * 24 * 366 }) ?? 60;
    const service = params.service();
    const component = params.text('component');
    if (component !== undefined && !RECOMMENDATION_COMPONENTS.includes(component)) {
      throw badRequest(
        `parameter component must be one of ${RECOMMENDATION_COMPONENTS.join(', ')}, got ${JSON.stringify(component)}`,
      );
    }
    try {
      return { report: recommendFromRecords(dataDir, { minutes, service, component }) };
    } catch (err) {
      if (err instanceof OptimizerInputError) throw badRequest(err.message);
      if (err instanceof QueryError) {
        if (err.reason === 'missing-data-dir' || err.reason === 'missing-database') {
          return { report: null, missing: err.message };
        }
        throw httpErrorOf(err);
      }
      throw err;
    }
  },
};
