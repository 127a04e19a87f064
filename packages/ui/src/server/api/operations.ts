import { recentOperations } from '@transcriber/queries';
import type { OperationsResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { readOrMissing } from '../dataAccess';

/** `/api/operations`: recent (or slowest, or failed) operations, as `transcriber traces` lists them. */
export const operationsApi: ApiHandler = {
  params: ['minutes', 'from', 'to', 'service', 'component', 'limit', 'order', 'errors', 'minDurationMs'],
  handle({ dataDir, params }): OperationsResponse {
    const window = params.window(60);
    const service = params.service();
    const component = params.component();
    const limit = params.number('limit', { min: 1, max: 1000, integer: true }) ?? 50;
    const order = params.oneOf('order', ['recent', 'slowest'] as const, 'recent');
    const errorsOnly = params.oneOf('errors', ['true', 'false'] as const, 'false') === 'true';
    const minDurationMs = params.number('minDurationMs', { min: 0, max: 1e9 });
    const empty: OperationsResponse = { window, service: service ?? null, operations: [] };
    return readOrMissing(
      dataDir,
      'performance_metrics',
      (db) => ({
        ...empty,
        operations: recentOperations(db, { ...window, service, component, limit, order, errorsOnly, minDurationMs }),
      }),
      empty,
    );
  },
};
