import { vacuumDatabaseFile } from '@transcriber/queries';
import type { DatabaseName } from '@transcriber/storage/files';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { printVacuum, vacuumRows } from '../printers/dbPrinter';
import { selectedDatabases } from './databaseSelection';
import type { DbVacuumResult } from '../results/db';

export interface DbVacuumOptions {
  database?: DatabaseName;
}

/** Rebuilds every (or the named) database without free pages, returning their space to the disk. */
export function dbVacuum(options: DbVacuumOptions & CommandContext): DbVacuumResult {
  return {
    dataDir: options.dataDir,
    databases: selectedDatabases(options.dataDir, options.database).map((name) =>
      vacuumDatabaseFile(options.dataDir, name),
    ),
  };
}

export const dbVacuumCommand: CommandModule<DbVacuumOptions, DbVacuumResult> = {
  run: dbVacuum,
  print: printVacuum,
  rows: vacuumRows,
};
