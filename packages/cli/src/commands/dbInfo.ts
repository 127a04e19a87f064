import { databaseStats } from '@transcriber/queries';
import { DATABASE_NAMES } from '@transcriber/storage/files';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { dbInfoRows, printDbInfo } from '../printers/dbPrinter';
import type { DbInfo } from '../results/db';

/** Size, schema version, and row count and time range per table, of each database of the data dir. */
export function dbInfo(options: CommandContext): DbInfo {
  return { dataDir: options.dataDir, databases: DATABASE_NAMES.map((name) => databaseStats(options.dataDir, name)) };
}

export const dbInfoCommand: CommandModule<object, DbInfo> = { run: dbInfo, print: printDbInfo, rows: dbInfoRows };
