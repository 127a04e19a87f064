import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { expectOneLineError, recordWorkload, runCli } from '../../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

// Issue 14: `performance --export data/performance_metrics.db` once replaced the live database with
// JSON (an app writing to it lost its rows), and a FIFO, a symbolic link and /dev/full were each
// replaced by an ordinary file. An export replaces nothing but a regular file, never a database,
// and an existing file only with --force.
describe('--export and --output', () => {
  const dataDir = makeTempDir('transcriber-cli-export-');
  recordWorkload(dataDir, ['--turns', '2']);
  const database = path.join(dataDir, 'performance_metrics.db');
  const spanCount = () => {
    const db = new BetterSqlite3(database, { readonly: true });
    try {
      return db.prepare('SELECT count(*) FROM spans').pluck().get() as number;
    } finally {
      db.close();
    }
  };
  const spans = spanCount();
  const performance = (...args: string[]) => runCli(['--data-dir', dataDir, 'performance', ...args]);

  it('never replaces a database of the data directory, even with --force', () => {
    expectOneLineError(performance('--export', database), 2, /performance_metrics\.db: it is a database of the data/);
    expectOneLineError(performance('--export', database, '--force'), 2, /it is a database of the data directory/);
    // Nor one not created yet, nor a database's WAL.
    expectOneLineError(
      performance('--export', path.join(dataDir, 'profile_results.db')),
      2,
      /it is a database of the data directory/,
    );
    expectOneLineError(performance('--export', `${database}-wal`), 2, /it is a database of the data directory/);
    expect(spanCount()).toBe(spans);
    expect(fs.existsSync(path.join(dataDir, 'profile_results.db'))).toBe(false);
  });

  it('never replaces any other SQLite file, even with --force', () => {
    const elsewhere = path.join(makeTempDir(), 'copy.db');
    fs.copyFileSync(database, elsewhere);
    const before = fs.readFileSync(elsewhere);
    expectOneLineError(performance('--export', elsewhere, '--force'), 2, /copy\.db: it is an SQLite database/);
    expect(fs.readFileSync(elsewhere).equals(before)).toBe(true);
  });

  it('replaces an existing regular file only with --force, naming it otherwise', () => {
    const file = path.join(makeTempDir(), 'metrics.json');
    fs.writeFileSync(file, 'keep me');
    expectOneLineError(performance('--export', file), 2, /metrics\.json: it exists \(add --force to replace it\)/);
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
    expect(performance('--export', file, '--force').status).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).components.length).toBeGreaterThan(0);
  });

  it('never replaces a FIFO, a symbolic link or a device', () => {
    const dir = makeTempDir();
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expectOneLineError(performance('--export', fifo, '--force'), 2, /pipe: it is a FIFO/);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);

    const target = path.join(dir, 'target.json');
    fs.writeFileSync(target, 'target');
    const link = path.join(dir, 'link.json');
    fs.symlinkSync(target, link);
    expectOneLineError(performance('--export', link, '--force'), 2, /link\.json: it is a symbolic link/);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe('target');

    expectOneLineError(performance('--export', '/dev/full', '--force'), 2, /\/dev\/full: it is a character device/);
    expect(fs.statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['link.json', 'pipe', 'target.json']);
  });

  it('checks --output before profiling: a refused path costs no profile', () => {
    const started = Date.now();
    const result = runCli([
      '--data-dir',
      dataDir,
      'profile',
      '--pid',
      String(process.pid),
      '--duration',
      '60',
      '--output',
      database,
    ]);
    expectOneLineError(result, 2, /it is a database of the data directory/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(spanCount()).toBe(spans);
  });

  it('writes the text view for .txt (or --format text), without colour', () => {
    const file = path.join(makeTempDir(), 'report.txt');
    expect(performance('--export', file).status).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/component/);
    expect(text.includes('\u001b[')).toBe(false);
  });
});
