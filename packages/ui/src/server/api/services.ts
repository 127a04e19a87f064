import { listServices } from '@transcriber/queries';
import type { ServicesResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { readOrMissing } from '../dataAccess';

/** `/api/services`: the services that recorded telemetry, the benchmark one marked. */
export const servicesApi: ApiHandler = {
  params: [],
  handle({ dataDir }): ServicesResponse {
    return readOrMissing(dataDir, 'performance_metrics', (db) => ({ services: listServices(db) }), { services: [] });
  },
};
