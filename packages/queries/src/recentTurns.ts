import type { Database } from 'better-sqlite3';
import { loadTurns, type TurnFilter, type TurnRecord } from './turnRows';

/** The most recent (or slowest) voice turns of the window with their breakdown; 20 by default. */
export function recentTurns(db: Database, filter: TurnFilter): TurnRecord[] {
  return loadTurns(db, { ...filter, limit: filter.limit ?? 20 });
}
