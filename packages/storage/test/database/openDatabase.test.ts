import BetterSqlite3 from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { migrationsFor, openDatabaseForReading, openDatabaseForWriting } from '@transcriber/storage/databases';
import { DATABASE_FILES, DATABASE_NAMES, databasePath } from '@transcriber/storage/files';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const MIGRATIONS = migrationsFor('performance_metrics');
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('databasePath', () => {
  it('names the four files of a data dir', () => {
    expect(DATABASE_NAMES).toEqual([
      'performance_metrics',
      'profile_results',
      'benchmark_results',
      'optimization_logs',
    ]);
    for (const name of DATABASE_NAMES) {
      expect(databasePath('/data', name)).toBe(path.join('/data', `${name}.db`));
      expect(DATABASE_FILES[name]).toBe(`${name}.db`);
    }
  });
});

describe('openDatabaseForWriting', () => {
  it('creates missing directories 0700 and the file 0600, WAL and its index included', () => {
    const root = makeTempDir();
    const file = path.join(root, 'new', 'data', 'performance_metrics.db');
    const db = openDatabaseForWriting(file, MIGRATIONS);
    db.prepare("INSERT INTO resources (service_name, attributes) VALUES ('s', '{}')").run();
    expect(modeOf(path.join(root, 'new'))).toBe(0o700);
    expect(modeOf(path.join(root, 'new', 'data'))).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    // SQLite gives the -wal and -shm files the database file's permissions.
    expect(modeOf(`${file}-wal`)).toBe(0o600);
    expect(modeOf(`${file}-shm`)).toBe(0o600);
    db.close();
  });

  it('leaves the mode of an existing directory alone', () => {
    const dir = makeTempDir();
    fs.chmodSync(dir, 0o750);
    openDatabaseForWriting(path.join(dir, 'x.db'), MIGRATIONS).close();
    expect(modeOf(dir)).toBe(0o750);
  });

  it('uses WAL with NORMAL sync, migrates, and sets the short write busy timeout', () => {
    const file = path.join(makeTempDir(), 'performance_metrics.db');
    const db = openDatabaseForWriting(file, MIGRATIONS, { busyTimeoutMs: 42 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(42);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    const again = openDatabaseForWriting(file, MIGRATIONS);
    expect(again.pragma('busy_timeout', { simple: true })).toBe(100);
    again.close();
    // WAL is a property of the file: a plain connection sees it too.
    const plain = new BetterSqlite3(file, { readonly: true });
    expect(plain.pragma('journal_mode', { simple: true })).toBe('wal');
    plain.close();
  });

  it("creates new files with 16 KiB pages and leaves an existing file's page size alone", () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'performance_metrics.db');
    openDatabaseForWriting(file, MIGRATIONS).close();
    const created = new BetterSqlite3(file, { readonly: true });
    expect(created.pragma('page_size', { simple: true })).toBe(16_384);
    created.close();
    // A file made by an earlier version, with SQLite's default pages, keeps them (and its rows).
    const older = path.join(dir, 'older.db');
    const plain = new BetterSqlite3(older);
    plain.pragma('journal_mode = WAL');
    plain.exec('CREATE TABLE kept (n INTEGER); INSERT INTO kept VALUES (7);');
    plain.close();
    const reopened = openDatabaseForWriting(older, []);
    expect(reopened.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.prepare('SELECT n FROM kept').pluck().get()).toBe(7);
    reopened.close();
  });

  it('fails (and closes the handle) on a file that is not a database', () => {
    const file = path.join(makeTempDir(), 'performance_metrics.db');
    fs.writeFileSync(file, Buffer.alloc(4096, 0x5a));
    expect(() => openDatabaseForWriting(file, MIGRATIONS)).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB' }));
  });
});

describe('openDatabaseForReading', () => {
  it('opens a migrated database read-only', () => {
    const file = path.join(makeTempDir(), 'performance_metrics.db');
    openDatabaseForWriting(file, MIGRATIONS).close();
    const db = openDatabaseForReading(file, MIGRATIONS);
    expect(db.readonly).toBe(true);
    expect(() => db.prepare("INSERT INTO resources (attributes) VALUES ('{}')").run()).toThrow(/readonly/);
    db.close();
  });

  it('refuses a missing file without creating it', () => {
    const file = path.join(makeTempDir(), 'performance_metrics.db');
    expect(() => openDatabaseForReading(file, MIGRATIONS)).toThrow();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses schemas newer and older than this software', () => {
    const dir = makeTempDir();
    const newer = path.join(dir, 'newer.db');
    const db = new BetterSqlite3(newer);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDatabaseForReading(newer, MIGRATIONS)).toThrow(/newer than this software/);
    const older = path.join(dir, 'older.db');
    new BetterSqlite3(older).exec('CREATE TABLE x (y)');
    expect(() => openDatabaseForReading(older, MIGRATIONS)).toThrow(/older than this software/);
  });
});
