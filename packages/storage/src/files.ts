/**
 * The database files of a data directory, by name: the one list of them. Loads nothing else (no
 * SQLite driver), so a command line can name them in its option table at start-up.
 */
export { DATABASE_FILES, DATABASE_NAMES, databasePath } from './database/databaseFiles';
export type { DatabaseName } from './database/databaseFiles';
