import { vacuumDatabaseFile, type MaintenanceResult } from '@transcriber/queries';
import type { DatabaseName } from '@transcriber/storage/files';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { printVacuum, vacuumRows } from '../printers/dbPrinter';
import { selectedDatabases } from './databaseSelection';

export interface DbVacuumOptions {
  database?: DatabaseName;
}

export interface DbVacuumResult {
  dataDir: string;
  databases: MaintenanceResult[];
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
