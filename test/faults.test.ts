import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { makeTempDir, removeTempDirs } from './helpers/tempDir';

// Storage faults seen from the app's side: a real process using PerformanceIntegration must print
// its own result unchanged, exit 0, and get one clear warning on stderr (through the OTel
// diagnostic logger) — never a stack trace, never a crash.

const APP = path.join(__dirname, 'fixtures', 'instrumented-app.js');
const LOCKER = path.join(__dirname, 'fixtures', 'hold-exclusive-lock.js');
const EXPECTED_RESULT = 'result 4950\n';

function runApp(dataDir: string) {
  return spawnSync(process.execPath, [APP, dataDir, '100'], { encoding: 'utf8', timeout: 30_000 });
}

function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes('transcriber:'));
}

function spanCount(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'performance_metrics.db'), { readonly: true });
  try {
    return db.prepare("SELECT count(*) FROM spans WHERE component = 'stt'").pluck().get() as number;
  } finally {
    db.close();
  }
}

afterAll(removeTempDirs);

describe('storage faults, from the app', () => {
  it('writes normally with no warning at all', () => {
    const dataDir = makeTempDir();
    const run = runApp(dataDir);
    expect(run.stdout).toBe(EXPECTED_RESULT);
    expect(run.status).toBe(0);
    expect(warnings(run.stderr)).toEqual([]);
    expect(spanCount(dataDir)).toBe(100);
  });

  it('an unwritable data dir: one warning naming the file, the app carries on', () => {
    const parent = makeTempDir();
    const notADirectory = path.join(parent, 'file');
    fs.writeFileSync(notADirectory, 'a regular file where the data dir should be');
    const run = runApp(path.join(notADirectory, 'data'));
    expect(run.stdout).toBe(EXPECTED_RESULT);
    expect(run.status).toBe(0);
    const lines = warnings(run.stderr);
    const fault = lines.filter((l) => l.includes('cannot write'));
    expect(fault).toHaveLength(1);
    expect(fault[0]).toContain(path.join(notADirectory, 'data', 'performance_metrics.db'));
    // The only other line says what could not be kept, so nothing is lost silently.
    expect(
      lines.filter((l) => !l.includes('cannot write')).every((l) => /could not be written before shutdown/.test(l)),
    ).toBe(true);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a corrupt database file: one warning, the file is set aside and a new one receives the rows', () => {
    const dataDir = makeTempDir();
    const file = path.join(dataDir, 'performance_metrics.db');
    fs.writeFileSync(file, Buffer.alloc(8192, 'not a database '));
    const run = runApp(dataDir);
    expect(run.stdout).toBe(EXPECTED_RESULT);
    expect(run.status).toBe(0);
    const lines = warnings(run.stderr);
    expect(lines.filter((l) => l.includes('is not a valid SQLite database'))).toHaveLength(1);
    const aside = fs.readdirSync(dataDir).filter((f) => f.startsWith('performance_metrics.db.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dataDir, aside[0])).subarray(0, 15).toString()).toBe('not a database ');
    expect(spanCount(dataDir)).toBe(100);
  });

  it('a database locked by another process: warned once, every row written once the lock is gone', async () => {
    const dataDir = makeTempDir();
    expect(runApp(dataDir).status).toBe(0); // creates the database: 100 rows
    // Held until the app has met the lock (its warning), however long the app takes to start.
    const locker = spawn(process.execPath, [LOCKER, path.join(dataDir, 'performance_metrics.db'), 'stdin'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lockerDone = new Promise((resolve) => locker.on('close', resolve));
    await new Promise<void>((resolve) => locker.stdout!.once('data', () => resolve()));
    const releaseLock = () => locker.stdin!.end();
    const run = await new Promise<{ stdout: string; stderr: string; status: number | null }>((resolve) => {
      const child = spawn(process.execPath, [APP, dataDir, '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => {
        stderr += d;
        if (stderr.includes('is locked by another process')) releaseLock();
      });
      child.on('close', (status) => {
        releaseLock();
        resolve({ stdout, stderr, status });
      });
    });
    await lockerDone;
    expect(run.stdout).toBe(EXPECTED_RESULT);
    expect(run.status).toBe(0);
    expect(warnings(run.stderr).filter((l) => l.includes('is locked by another process'))).toHaveLength(1);
    expect(run.stderr).not.toContain('could not be written');
    expect(spanCount(dataDir)).toBe(200);
  });
});
