import { pruneDatabaseFile } from '@transcriber/queries';
import { UsageError } from '../errors';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { printPrune, pruneRows } from '../printers/dbPrinter';
import { selectedDatabases } from './databaseSelection';
import type { DatabaseName } from '@transcriber/storage/files';
import type { DbPruneResult } from '../results/db';

export interface DbPruneOptions {
  olderThanDays?: number;
  maxRows?: number;
  database?: DatabaseName;
}

/** Deletes rows past the given age and/or row limit, per table, in every (or the named) database. */
export function dbPrune(options: DbPruneOptions & CommandContext): DbPruneResult {
  if (options.olderThanDays === undefined && options.maxRows === undefined) {
    throw new UsageError('db prune needs --older-than <days> and/or --max-rows <n>');
  }
  const policy: DbPruneResult['policy'] = {};
  if (options.olderThanDays !== undefined) policy.maxAgeDays = options.olderThanDays;
  if (options.maxRows !== undefined) policy.maxRowsPerTable = options.maxRows;
  return {
    dataDir: options.dataDir,
    policy,
    databases: selectedDatabases(options.dataDir, options.database).map((name) =>
      pruneDatabaseFile(options.dataDir, name, policy),
    ),
  };
}

export const dbPruneCommand: CommandModule<DbPruneOptions, DbPruneResult> = {
  run: dbPrune,
  print: printPrune,
  rows: pruneRows,
};
