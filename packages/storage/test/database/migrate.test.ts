import BetterSqlite3 from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EVENT_DATABASE_SCHEMAS,
  migrationsFor,
  openDatabaseForWriting,
  type Migration,
} from '@transcriber/storage/databases';
import { DATABASE_NAMES } from '@transcriber/storage/files';
import { childExit, childSays, lastJsonLine, runChild, startChild } from '../../../../test/helpers/children';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

const CHILDREN = path.join(__dirname, '..', 'children');

afterAll(removeTempDirs);

const tables = (db: BetterSqlite3.Database) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

const TWO_STEPS: Migration[] = [
  { version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER);' },
  { version: 2, description: 'b', sql: 'CREATE TABLE b (y TEXT); INSERT INTO a VALUES (2);' },
];

describe('migrations', () => {
  it.each(DATABASE_NAMES)('%s: creates its tables and records the version', (name) => {
    const db = openDatabaseForWriting(path.join(makeTempDir(), `${name}.db`), migrationsFor(name));
    expect(db.pragma('user_version', { simple: true })).toBe(migrationsFor(name).length);
    const expected =
      name === 'performance_metrics'
        ? ['metric_points', 'resource_snapshots', 'resources', 'span_rollup', 'spans']
        : EVENT_DATABASE_SCHEMAS[name].tables.map((t) => t.table).sort();
    expect(tables(db)).toEqual(expected);
    db.close();
  });

  it('is idempotent: reopening applies nothing again and keeps the rows', () => {
    const file = path.join(makeTempDir(), 'm.db');
    const first = openDatabaseForWriting(file, TWO_STEPS);
    first.prepare('INSERT INTO a VALUES (7)').run();
    first.close();
    for (let i = 0; i < 3; i++) openDatabaseForWriting(file, TWO_STEPS).close();
    const db = new BetterSqlite3(file);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT x FROM a ORDER BY rowid').pluck().all()).toEqual([2, 7]);
    db.close();
  });

  it('upgrades an older database step by step, keeping its data', () => {
    const file = path.join(makeTempDir(), 'm.db');
    const v1 = openDatabaseForWriting(file, TWO_STEPS.slice(0, 1));
    v1.prepare('INSERT INTO a VALUES (1)').run();
    v1.close();
    const v2 = openDatabaseForWriting(file, TWO_STEPS);
    expect(v2.pragma('user_version', { simple: true })).toBe(2);
    expect(tables(v2)).toEqual(['a', 'b']);
    expect(v2.prepare('SELECT x FROM a ORDER BY rowid').pluck().all()).toEqual([1, 2]);
    v2.close();
  });

  it('rolls a failing step back completely', () => {
    const file = path.join(makeTempDir(), 'm.db');
    const broken: Migration[] = [
      TWO_STEPS[0],
      { version: 2, description: 'broken', sql: 'CREATE TABLE b (y); INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => openDatabaseForWriting(file, broken)).toThrow(/no such table: nowhere/);
    const db = new BetterSqlite3(file);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['a']);
    db.close();
  });

  it('refuses a migration list with gaps and a database newer than the software', () => {
    const dir = makeTempDir();
    expect(() => openDatabaseForWriting(path.join(dir, 'gap.db'), [TWO_STEPS[1]])).toThrow(/out of order/);
    const file = path.join(dir, 'newer.db');
    openDatabaseForWriting(file, TWO_STEPS).close();
    expect(() => openDatabaseForWriting(file, TWO_STEPS.slice(0, 1))).toThrow(
      /schema version 2 is newer than this software \(1\)/,
    );
  });

  describe('two processes opening a new database at the same moment', () => {
    // Both children sleep until the same instant, then open (create, switch to WAL, migrate).
    const startBoth = (file: string, kind: string) => {
      const at = String(Date.now() + 2_500);
      return Promise.all([
        runChild(path.join(CHILDREN, 'migrate.ts'), [file, at, kind]),
        runChild(path.join(CHILDREN, 'migrate.ts'), [file, at, kind]),
      ]);
    };

    it('apply each step exactly once (slow steps, so they overlap)', async () => {
      // On a loaded machine the two may not overlap in a given attempt; try again until they do.
      let overlapped = false;
      for (let attempt = 0; attempt < 3 && !overlapped; attempt++) {
        const file = path.join(makeTempDir(), 'slow.db');
        const reports = (await startBoth(file, 'slow')).map((result) => {
          expect(result).toMatchObject({ code: 0, stderr: '' });
          return lastJsonLine<{ startedAt: number; finishedAt: number }>(result);
        });
        for (const report of reports) {
          // 1,000,000 rows from step 1 and one from step 2: neither step ran twice.
          expect(report).toMatchObject({ version: 2, journalMode: 'wal', rows: 1_000_001 });
        }
        overlapped =
          Math.max(reports[0].startedAt, reports[1].startedAt) < Math.min(reports[0].finishedAt, reports[1].finishedAt);
      }
      expect(overlapped).toBe(true);
    });

    it('opening waits out another process that is creating the same new file', async () => {
      // The other process holds the write lock on the new file (readers may still get in). Switching
      // to WAL reads, then needs that lock: SQLite refuses at once there (SQLITE_BUSY, no busy
      // timeout, which could deadlock), so opening must retry rather than fail.
      const file = path.join(makeTempDir(), 'new.db');
      fs.closeSync(fs.openSync(file, 'a', 0o600));
      const creator = startChild(path.join(CHILDREN, 'holdLock.ts'), [
        file,
        '800',
        'CREATE TABLE other (z)',
        'immediate',
      ]);
      const created = childExit(creator);
      await childSays(creator, 'locked');
      const db = openDatabaseForWriting(file, TWO_STEPS);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      expect(tables(db)).toEqual(['a', 'b', 'other']);
      db.close();
      expect(await created).toMatchObject({ code: 0, stderr: '' });
    });

    it('both end on the current schema of performance_metrics.db', async () => {
      const file = path.join(makeTempDir(), 'performance_metrics.db');
      const results = await startBoth(file, 'real');
      for (const result of results) {
        expect(result).toMatchObject({ code: 0, stderr: '' });
        expect(lastJsonLine(result)).toMatchObject({ version: migrationsFor('performance_metrics').length });
      }
      const db = new BetterSqlite3(file, { readonly: true });
      expect(tables(db)).toEqual(expect.arrayContaining(['metric_points', 'resource_snapshots', 'resources', 'spans']));
      db.close();
    });
  });
});
