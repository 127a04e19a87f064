import * as fs from 'node:fs';
import { databasePath, type DatabaseName } from '@transcriber/storage/files';
import { migrationsFor, spanStartRange } from '@transcriber/storage/databases';
import { checkDataDir } from './openForQuery';
import { withQueryDatabase } from './withQueryDatabase';

/** Rows and time range of one table (times in µs since the epoch; null for tables without time). */
export interface TableStats {
  table: string;
  rows: number;
  oldestUs: number | null;
  newestUs: number | null;
}

/** What `transcriber db info` shows about one database file. */
export interface DatabaseStats {
  name: DatabaseName;
  file: string;
  /** False when nothing has written this database yet (the other fields are then empty). */
  exists: boolean;
  /** Size of the file plus its write-ahead log, bytes. */
  bytes: number;
  walBytes: number;
  schemaVersion: number | null;
  tables: TableStats[];
}

/** File size, schema version and per-table row counts and time ranges of one database. */
export function databaseStats(dataDir: string, name: DatabaseName): DatabaseStats {
  const file = databasePath(dataDir, name);
  checkDataDir(dataDir, file);
  const empty: DatabaseStats = { name, file, exists: false, bytes: 0, walBytes: 0, schemaVersion: null, tables: [] };
  if (!fs.existsSync(file)) return empty;
  const walBytes = sizeOf(`${file}-wal`);
  return withQueryDatabase(dataDir, name, (db) => {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid`)
      .pluck()
      .all() as string[];
    return {
      ...empty,
      exists: true,
      bytes: sizeOf(file) + walBytes,
      walBytes,
      schemaVersion: migrationsFor(name).length,
      tables: tables.map((table) => {
        const columns = db.pragma(`table_info(${table})`) as { name: string }[];
        const timeColumn = ['time_us', 'start_us', 'minute_us'].find((c) => columns.some((col) => col.name === c));
        if (timeColumn === undefined) {
          return {
            table,
            rows: db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number,
            oldestUs: null,
            newestUs: null,
          };
        }
        if (table === 'spans') {
          // Start times are indexed per component only: the range is found a component at a time.
          return {
            table,
            rows: db.prepare('SELECT count(*) FROM spans').pluck().get() as number,
            ...spanStartRange(db),
          };
        }
        const row = db
          .prepare(
            `SELECT count(*) AS rows, min(${timeColumn}) AS oldestUs, max(${timeColumn}) AS newestUs FROM ${table}`,
          )
          .get() as TableStats;
        return { ...row, table };
      }),
    };
  });
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
