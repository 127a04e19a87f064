import BetterSqlite3 from 'better-sqlite3';
import { openForQuery, QueryError } from '@transcriber/queries';
import { migrationsFor, openDatabaseForWriting } from '@transcriber/storage/databases';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recordSpans } from '../../../test/helpers/recordSpans';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';
import { waitFor } from '../../../test/helpers/wait';

afterAll(removeTempDirs);

function queryErrorOf(fn: () => unknown): QueryError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    return err as QueryError;
  }
  throw new Error('expected a QueryError');
}

describe('openForQuery', () => {
  it('opens a database read-only, while a writer is using it and after it closed', async () => {
    const dataDir = makeTempDir();
    await recordSpans(dataDir, [{ component: 'stt', operation: 'transcribe', startMs: Date.now(), durationMs: 5 }]);
    const writer = openDatabaseForWriting(
      path.join(dataDir, 'performance_metrics.db'),
      migrationsFor('performance_metrics'),
    );
    writer.prepare("INSERT INTO resources (attributes) VALUES ('{}')").run(); // a live WAL writer
    const db = openForQuery(dataDir, 'performance_metrics');
    expect(db.readonly).toBe(true);
    expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM resources').pluck().get()).toBe(2);
    db.close();
    writer.close(); // the last connection to close checkpoints and removes -wal and -shm
    await waitFor('the WAL removed', () => !fs.existsSync(path.join(dataDir, 'performance_metrics.db-wal')));
    const again = openForQuery(dataDir, 'performance_metrics');
    expect(again.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(1);
    again.close();
  });

  it('missing data dir, or a file in its place (named for what it is)', () => {
    const root = makeTempDir();
    const missing = queryErrorOf(() => openForQuery(path.join(root, 'nope'), 'performance_metrics'));
    expect(missing).toMatchObject({
      reason: 'missing-data-dir',
      file: path.join(root, 'nope', 'performance_metrics.db'),
    });
    expect(missing.message).toContain('does not exist');
    fs.writeFileSync(path.join(root, 'file'), '');
    const file = queryErrorOf(() => openForQuery(path.join(root, 'file'), 'performance_metrics'));
    expect(file.reason).toBe('unreadable');
    expect(file.message).toMatch(/data directory .*file is a file, not a directory/);
  });

  it('missing database, without creating it', () => {
    const dataDir = makeTempDir();
    const error = queryErrorOf(() => openForQuery(dataDir, 'benchmark_results'));
    expect(error).toMatchObject({ reason: 'missing-database', file: path.join(dataDir, 'benchmark_results.db') });
    expect(error.message).toMatch(/nothing has been recorded/);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('a file that is not SQLite', () => {
    const dataDir = makeTempDir();
    fs.writeFileSync(path.join(dataDir, 'profile_results.db'), 'hello, I am a text file\n'.repeat(400));
    const error = queryErrorOf(() => openForQuery(dataDir, 'profile_results'));
    expect(error.reason).toBe('not-sqlite');
    expect(error.message).toContain('profile_results.db');
  });

  it('a SQLite file with a damaged schema', () => {
    const dataDir = makeTempDir();
    const file = path.join(dataDir, 'performance_metrics.db');
    openDatabaseForWriting(file, migrationsFor('performance_metrics')).close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0xa5, 100, 4096);
    fs.writeFileSync(file, bytes);
    expect(['corrupt', 'not-sqlite']).toContain(
      queryErrorOf(() => openForQuery(dataDir, 'performance_metrics')).reason,
    );
  });

  it('a schema newer or older than this software', () => {
    const dataDir = makeTempDir();
    const file = path.join(dataDir, 'performance_metrics.db');
    const db = new BetterSqlite3(file);
    db.pragma(`user_version = ${migrationsFor('performance_metrics').length + 1}`);
    db.close();
    const newer = queryErrorOf(() => openForQuery(dataDir, 'performance_metrics'));
    expect(newer.reason).toBe('schema-newer');
    expect(newer.message).toMatch(/newer than this software/);

    const older = path.join(dataDir, 'optimization_logs.db');
    new BetterSqlite3(older).exec('CREATE TABLE unrelated (x)');
    const error = queryErrorOf(() => openForQuery(dataDir, 'optimization_logs'));
    expect(error.reason).toBe('schema-older');
    expect(error.message).toMatch(/older than this software/);
  });
});
