import BetterSqlite3 from 'better-sqlite3';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectOneLineError, recordWorkload, runCli } from '../../../test/helpers/cli';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

// Every way the input can be wrong: one line on stderr, a non-zero exit, no stack trace; and the
// data directory is left as it was.
describe('bad input', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = makeTempDir();
    recordWorkload(dataDir, ['--turns', '2']);
  });

  /** A copy of the recorded data dir, to damage. */
  function copy(): string {
    const dir = makeTempDir();
    fs.copyFileSync(path.join(dataDir, 'performance_metrics.db'), path.join(dir, 'performance_metrics.db'));
    return dir;
  }

  it.each([
    [['performance', '--minutes', 'abc'], /--minutes expects a positive number, got "abc"/],
    [['performance', '--minutes', '-5'], /--minutes expects a positive number, got "-5"/],
    [['performance', '--minutes=-5'], /--minutes expects a positive number, got "-5"/],
    [['performance', '--minutes', '0'], /--minutes expects a positive number, got "0"/],
    [['performance', '--minutes', ''], /--minutes expects a positive number, got ""/],
    [['performance', '--live', '--interval', 'fast'], /--interval expects a positive number, got "fast"/],
    [['performance', '--format', 'xml', '--export', 'x'], /unknown --format value "xml"; valid values: json, csv/],
    [
      ['performance', '--component', 'gpu'],
      /unknown component "gpu"; valid components: audio_capture, vad, stt, agent, llm, tool, tts, audio_output, pipeline, memory$/,
    ],
    [['traces', '--limit', 'ten'], /--limit expects a whole number of at least 1, got "ten"/],
    [['performance', '--minutes'], /option '--minutes <n>' argument missing/],
    [['performance', '--colour'], /unknown option '--colour'/],
    [['perf'], /unknown command 'perf'/],
    [['trace', 'show', 'x'], /unknown command 'trace' \(Did you mean traces\?\)$/],
    [['traces', 'show'], /missing required argument 'traceId'/],
  ])('%j is a usage error (exit 2)', (args, message) => {
    expectOneLineError(runCli(['--data-dir', dataDir, ...(args as string[])]), 2, message as RegExp);
  });

  it('a missing data directory', () => {
    const missing = path.join(makeTempDir(), 'nowhere');
    for (const args of [['performance'], ['traces'], ['db', 'info'], ['db', 'vacuum']]) {
      expectOneLineError(runCli(['--data-dir', missing, ...args]), 1, /data directory .*nowhere does not exist/);
    }
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('a data directory with no database yet', () => {
    const empty = makeTempDir();
    expectOneLineError(
      runCli(['--data-dir', empty, 'performance']),
      1,
      /performance_metrics\.db does not exist: nothing has been recorded in .* yet/,
    );
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  it('a file that is not SQLite', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'performance_metrics.db'), 'these are my notes, not a database\n'.repeat(200));
    expectOneLineError(
      runCli(['--data-dir', dir, 'performance']),
      1,
      /performance_metrics\.db is not a SQLite database/,
    );
    expectOneLineError(runCli(['--data-dir', dir, 'db', 'prune', '--max-rows', '1']), 1, /is not a SQLite database/);
    expect(fs.readFileSync(path.join(dir, 'performance_metrics.db'), 'utf8')).toMatch(/^these are my notes/);
  });

  it('a corrupt database', () => {
    const dir = copy();
    const file = path.join(dir, 'performance_metrics.db');
    const bytes = fs.readFileSync(file);
    // Keep page 1 (header and schema), overwrite every other page with garbage.
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    fs.writeFileSync(file, bytes);
    expectOneLineError(
      runCli(['--data-dir', dir, 'performance']),
      1,
      /performance_metrics\.db is corrupt \(.*malformed/,
    );
    expectOneLineError(runCli(['--data-dir', dir, 'traces']), 1, /is corrupt/);
  });

  it('a database locked by another process', async () => {
    const dir = copy();
    const holder = spawn(process.execPath, [
      path.join(__dirname, 'fixtures', 'holdLock.js'),
      path.join(dir, 'performance_metrics.db'),
    ]);
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        holder.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
      });
      expectOneLineError(
        runCli(['--data-dir', dir, 'performance']),
        1,
        /performance_metrics\.db is locked by another process/,
      );
    } finally {
      holder.kill();
    }
  });

  it('a database from a newer version of transcriber', () => {
    const dir = copy();
    const db = new BetterSqlite3(path.join(dir, 'performance_metrics.db'));
    db.pragma('user_version = 99');
    db.close();
    expectOneLineError(runCli(['--data-dir', dir, 'performance']), 1, /schema version 99 is newer than this software/);
  });

  it('--debug adds the stack trace to an error', () => {
    const empty = makeTempDir();
    const result = runCli(['--data-dir', empty, '--debug', 'performance']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: .*does not exist/);
    expect(result.stderr).toMatch(/\n\s+at .*openForQuery/);
  });
});
