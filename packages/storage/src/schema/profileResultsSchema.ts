import { EVENT_PROFILE_RESULT, PROFILE_ATTR } from '@transcriber/instrumentation/events';
import { createEventTableSql, type EventColumn, type EventDatabaseSchema, type EventTable } from './eventTable';

// The columns of the released version 1 of the table: never change these.
const VERSION_1_COLUMNS: readonly EventColumn[] = [
  { column: 'duration_ms', attribute: PROFILE_ATTR.DURATION_MS, type: 'REAL' },
  { column: 'sample_count', attribute: PROFILE_ATTR.SAMPLE_COUNT, type: 'INTEGER' },
  { column: 'top_functions', attribute: PROFILE_ATTR.TOP_FUNCTIONS, type: 'TEXT' },
  { column: 'call_graph', attribute: PROFILE_ATTR.CALL_GRAPH, type: 'TEXT' },
  { column: 'memory', attribute: PROFILE_ATTR.MEMORY, type: 'TEXT' },
  { column: 'leak_suspected', attribute: PROFILE_ATTR.LEAK_SUSPECTED, type: 'INTEGER' },
  { column: 'cpuprofile_path', attribute: PROFILE_ATTR.CPU_PROFILE_PATH, type: 'TEXT' },
  { column: 'heapprofile_path', attribute: PROFILE_ATTR.HEAP_PROFILE_PATH, type: 'TEXT' },
];

const VERSION_2_COLUMNS: readonly EventColumn[] = [
  { column: 'kind', attribute: PROFILE_ATTR.KIND, type: 'TEXT' },
  { column: 'cpu_ms', attribute: PROFILE_ATTR.CPU_MS, type: 'REAL' },
  { column: 'components', attribute: PROFILE_ATTR.COMPONENTS, type: 'TEXT' },
];

const PROFILE_RESULTS: EventTable = {
  eventName: EVENT_PROFILE_RESULT,
  table: 'profile_results',
  columns: [...VERSION_1_COLUMNS, ...VERSION_2_COLUMNS],
};

/** `profile_results.db`: one row per profile result event. */
export const PROFILE_RESULTS_SCHEMA: EventDatabaseSchema = {
  tables: [PROFILE_RESULTS],
  migrations: [
    {
      version: 1,
      description: 'profile results',
      sql: createEventTableSql({ ...PROFILE_RESULTS, columns: VERSION_1_COLUMNS }),
    },
    {
      version: 2,
      description: 'profile kind, CPU time and per-component breakdown',
      sql: VERSION_2_COLUMNS.map((c) => `ALTER TABLE profile_results ADD COLUMN ${c.column} ${c.type};`).join('\n'),
    },
  ],
};
