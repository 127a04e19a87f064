import type { Database, Statement } from 'better-sqlite3';
import { COMMON_EVENT_COLUMNS_SQL, type EventDatabaseSchema, type EventTable } from '../schema/eventTable';

/** The insert statement of one event table, with the table's column mapping. */
export interface EventInsert {
  readonly table: EventTable;
  readonly statement: Statement;
}

/** Prepared inserts of an event database, by event name. */
export type EventStatements = ReadonlyMap<string, EventInsert>;

const COMMON_COLUMNS = COMMON_EVENT_COLUMNS_SQL.split(',')
  .map((line) => line.trim().split(/\s+/)[0])
  .filter((name) => name !== 'id');

export function prepareEventStatements(db: Database, schema: EventDatabaseSchema): EventStatements {
  const byEvent = new Map<string, EventInsert>();
  for (const table of schema.tables) {
    const columns = [...COMMON_COLUMNS, ...table.columns.map((c) => c.column)];
    const statement = db.prepare(
      `INSERT INTO ${table.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    byEvent.set(table.eventName, { table, statement });
  }
  return byEvent;
}
