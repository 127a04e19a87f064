import {
  EVENT_BENCHMARK_RESULT,
  EVENT_OPTIMIZATION_ACTION,
  EVENT_OPTIMIZATION_RECOMMENDATION,
  EVENT_PROFILE_RESULT,
} from '@transcriber/instrumentation/events';
import type { DatabaseName } from '../database/databaseFiles';

/** Which database stores each of our events (log records with one of these event names). */
export const EVENT_DATABASES: Readonly<Record<string, Exclude<DatabaseName, 'performance_metrics'>>> = Object.freeze({
  [EVENT_PROFILE_RESULT]: 'profile_results',
  [EVENT_BENCHMARK_RESULT]: 'benchmark_results',
  [EVENT_OPTIMIZATION_ACTION]: 'optimization_logs',
  [EVENT_OPTIMIZATION_RECOMMENDATION]: 'optimization_logs',
});
