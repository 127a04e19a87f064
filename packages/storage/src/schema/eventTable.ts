import type { Migration } from '../database/migration';

/** SQLite affinity of an event column, and how an attribute value is stored in it. */
export type EventColumnType = 'TEXT' | 'REAL' | 'INTEGER' | 'BLOB';

/** A typed column of an event table, filled from one event attribute. */
export interface EventColumn {
  readonly column: string;
  readonly attribute: string;
  readonly type: EventColumnType;
}

/**
 * How one event name is stored: its table and the attributes promoted to typed columns (for
 * indexes and plain SQL). Every event row also has the common columns (see COMMON_EVENT_COLUMNS_SQL)
 * and keeps the remaining attributes as JSON in `attributes`, so nothing an emitter sends is lost.
 */
export interface EventTable {
  readonly eventName: string;
  readonly table: string;
  readonly columns: readonly EventColumn[];
}

/** The columns every event table starts with. */
export const COMMON_EVENT_COLUMNS_SQL = `
  id INTEGER PRIMARY KEY,
  time_us INTEGER NOT NULL,
  event_name TEXT NOT NULL,
  component TEXT,
  operation TEXT,
  trace_id TEXT,
  span_id TEXT,
  service_name TEXT,
  pid INTEGER,
  attributes TEXT,
  body TEXT`;

/** `CREATE TABLE` for an event table with its typed columns, and its time index. */
export function createEventTableSql(table: EventTable): string {
  const typed = table.columns.map((c) => `,\n  ${c.column} ${c.type}`).join('');
  return `CREATE TABLE ${table.table} (${COMMON_EVENT_COLUMNS_SQL}${typed}\n);
CREATE INDEX ${table.table}_time ON ${table.table} (time_us);
CREATE INDEX ${table.table}_component_time ON ${table.table} (component, time_us);`;
}

/** An event database: its migrations and the event tables they leave it with. */
export interface EventDatabaseSchema {
  readonly migrations: readonly Migration[];
  readonly tables: readonly EventTable[];
}
