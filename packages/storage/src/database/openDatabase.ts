import BetterSqlite3, { type Database } from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { migrate } from './migrate';
import type { Migration } from './migration';

/** Page size of the databases this software creates, bytes. */
export const PAGE_SIZE = 16_384;

/** How long opening waits for other processes' locks (start-up only), ms. */
const OPEN_WAIT_MS = 5000;

export interface OpenOptions {
  /** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a database for writing: owner-only file and directory permissions,
 * 16 KiB pages when new, WAL (readers never block the writer, several processes can share the file), NORMAL sync (WAL
 * stays consistent on power loss; only the last commits may be lost), schema migrated.
 */
export function openDatabaseForWriting(
  file: string,
  migrations: readonly Migration[],
  options: OpenOptions = {},
): Database {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Created here first so the mode is ours: telemetry can name users' code paths and timings.
  if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', 0o600));
  const db = new BetterSqlite3(file);
  try {
    // Opening waits long for locks (start-up only); writes later use a short timeout.
    db.pragma(`busy_timeout = ${OPEN_WAIT_MS}`);
    // Takes effect only on a new, empty file (before WAL and the schema): appending spans with
    // 16 KiB pages costs ~20% less CPU a row than with the default 4 KiB (docs/performance.md).
    db.pragma(`page_size = ${PAGE_SIZE}`);
    switchToWal(db, Date.now() + OPEN_WAIT_MS);
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 100}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Switching a new file to WAL reads it, then takes the write lock. When another process holds that
 * lock meanwhile (it is creating the same new file: several instrumented processes starting on a
 * fresh data dir), SQLite fails the upgrade at once with SQLITE_BUSY rather than wait on the busy
 * timeout, since two readers waiting to write would deadlock. The statement is safe to repeat.
 */
function switchToWal(db: Database, deadline: number): void {
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      // By code, not `instanceof SqliteError`: the addon keeps the error class of the first
      // better-sqlite3 instance that loaded it (a bundle, a test runner's module registry).
      const code = (err as { code?: unknown })?.code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw err;
      // Jittered, so processes that collided do not retry in step.
      Atomics.wait(RETRY_PAUSE, 0, 0, 5 + Math.random() * 20);
    }
  }
}

const RETRY_PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Opens an existing database read-only for queries. Fails if the file is missing or is not a
 * SQLite database of a schema this software knows.
 */
export function openDatabaseForReading(file: string, migrations: readonly Migration[]): Database {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > migrations.length) {
      throw new Error(`${file}: schema version ${version} is newer than this software (${migrations.length})`);
    }
    if (version < migrations.length) {
      throw new Error(
        `${file}: schema version ${version} is older than this software (${migrations.length}); run any instrumented process once to migrate it`,
      );
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
