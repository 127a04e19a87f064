import { benchmarkHistory, benchmarkSeries } from '@transcriber/queries';
import type { BenchmarksResponse } from '../../shared/apiTypes';
import type { ApiHandler } from '../apiHandler';
import { readOrMissing } from '../dataAccess';

const DAY_MS = 86_400_000;

/**
 * `/api/benchmarks`: each benchmark's runs of the last `days` (30) per environment: median and
 * quartiles, the verdict each run got against its history, a pipeline benchmark's component shares.
 */
export const benchmarksApi: ApiHandler = {
  params: ['days', 'component', 'name'],
  handle({ dataDir, params }): BenchmarksResponse {
    const days = params.number('days', { min: 1 / 24, max: 3660 }) ?? 30;
    const component = params.component();
    const name = params.text('name');
    const untilUs = Date.now() * 1000 + 1;
    const window = { sinceUs: Math.round(untilUs - days * DAY_MS * 1000), untilUs };
    const empty: BenchmarksResponse = { window, series: [] };
    return readOrMissing(
      dataDir,
      'benchmark_results',
      (db) => ({ ...empty, series: benchmarkSeries(benchmarkHistory(db, { ...window, component, name })) }),
      empty,
    );
  },
};
