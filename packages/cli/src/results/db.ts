import type { DatabaseStats, MaintenanceResult } from '@transcriber/queries';
import type { PruneResult } from '@transcriber/storage/databases';

// The results of `transcriber db info`, `db prune` and `db vacuum`.

export interface DbInfo {
  dataDir: string;
  databases: DatabaseStats[];
}

export interface DbPruneResult {
  dataDir: string;
  policy: { maxAgeDays?: number; maxRowsPerTable?: number };
  databases: (MaintenanceResult & { tables: PruneResult[] })[];
}

export interface DbVacuumResult {
  dataDir: string;
  databases: MaintenanceResult[];
}
