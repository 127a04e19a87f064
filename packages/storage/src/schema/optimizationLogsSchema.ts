import {
  EVENT_OPTIMIZATION_ACTION,
  EVENT_OPTIMIZATION_RECOMMENDATION,
  OPTIMIZATION_ATTR,
} from '@transcriber/instrumentation/events';
import { createEventTableSql, type EventDatabaseSchema, type EventTable } from './eventTable';

const OPTIMIZATION_ACTIONS: EventTable = {
  eventName: EVENT_OPTIMIZATION_ACTION,
  table: 'optimization_actions',
  columns: [
    { column: 'kind', attribute: OPTIMIZATION_ATTR.KIND, type: 'TEXT' },
    { column: 'description', attribute: OPTIMIZATION_ATTR.DESCRIPTION, type: 'TEXT' },
    { column: 'before', attribute: OPTIMIZATION_ATTR.BEFORE, type: 'TEXT' },
    { column: 'after', attribute: OPTIMIZATION_ATTR.AFTER, type: 'TEXT' },
    { column: 'improvement', attribute: OPTIMIZATION_ATTR.IMPROVEMENT, type: 'TEXT' },
    { column: 'improvement_basis', attribute: OPTIMIZATION_ATTR.IMPROVEMENT_BASIS, type: 'TEXT' },
    { column: 'success', attribute: OPTIMIZATION_ATTR.SUCCESS, type: 'INTEGER' },
  ],
};

const OPTIMIZATION_RECOMMENDATIONS: EventTable = {
  eventName: EVENT_OPTIMIZATION_RECOMMENDATION,
  table: 'optimization_recommendations',
  columns: [
    { column: 'recommendation_id', attribute: OPTIMIZATION_ATTR.RECOMMENDATION_ID, type: 'TEXT' },
    { column: 'kind', attribute: OPTIMIZATION_ATTR.KIND, type: 'TEXT' },
    { column: 'priority', attribute: OPTIMIZATION_ATTR.PRIORITY, type: 'TEXT' },
    { column: 'description', attribute: OPTIMIZATION_ATTR.DESCRIPTION, type: 'TEXT' },
    { column: 'improvement', attribute: OPTIMIZATION_ATTR.IMPROVEMENT, type: 'TEXT' },
    { column: 'improvement_basis', attribute: OPTIMIZATION_ATTR.IMPROVEMENT_BASIS, type: 'TEXT' },
    { column: 'evidence', attribute: OPTIMIZATION_ATTR.EVIDENCE, type: 'TEXT' },
  ],
};

/** `optimization_logs.db`: optimizations carried out and recommendations made. */
export const OPTIMIZATION_LOGS_SCHEMA: EventDatabaseSchema = {
  tables: [OPTIMIZATION_ACTIONS, OPTIMIZATION_RECOMMENDATIONS],
  migrations: [
    {
      version: 1,
      description: 'optimization actions and recommendations',
      sql: `${createEventTableSql(OPTIMIZATION_ACTIONS)}\n${createEventTableSql(OPTIMIZATION_RECOMMENDATIONS)}`,
    },
  ],
};
