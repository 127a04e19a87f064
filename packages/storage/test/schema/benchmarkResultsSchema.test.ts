import { migrationsFor, openDatabaseForWriting } from '@transcriber/storage/databases';
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('benchmark_results schema', () => {
  it('migrates a version 1 database: adds `state`, marking earlier runs completed', () => {
    const file = path.join(makeTempDir(), 'benchmark_results.db');
    const [v1] = migrationsFor('benchmark_results');
    const old = new Database(file);
    old.exec(v1.sql);
    old.pragma('user_version = 1');
    old
      .prepare(
        `INSERT INTO benchmark_results (time_us, event_name, name) VALUES (1, 'transcriber.benchmark.result', 'old')`,
      )
      .run();
    old.close();

    const db = openDatabaseForWriting(file, migrationsFor('benchmark_results'));
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT name, state FROM benchmark_results').all()).toEqual([
      { name: 'old', state: 'completed' },
    ]);
    db.close();
  });
});
