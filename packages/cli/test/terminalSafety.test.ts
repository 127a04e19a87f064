import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from '../../../test/helpers/cleanEnv';
import { BIN, expectOneLineError, recordWorkload, runCli } from '../../../test/helpers/cli';
import { recordSpans } from '../../../test/helpers/recordSpans';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

const ESC = '\u001b';

// Issue 14, items 4 and 11: what reaches a terminal, or fails to.
describe('the terminal', () => {
  it('shows names received from anyone with their control characters escaped, never acted on', async () => {
    const dataDir = makeTempDir();
    const hostile = `stt.${ESC}]0;owned${ESC}\\${ESC}[2Jwipe\nnext line\u009b31m`;
    await recordSpans(
      dataDir,
      [
        {
          component: 'stt',
          operation: `transcribe${ESC}[31m`,
          name: hostile,
          startMs: Date.now() - 1000,
          durationMs: 5,
        },
      ],
      `svc${ESC}[1m`,
    );
    for (const args of [['traces'], ['performance'], ['traces', '--json']]) {
      const result = runCli(['--data-dir', dataDir, ...args]);
      expect(result.status).toBe(0);
      expect(result.stdout.includes(ESC)).toBe(false);
      expect(result.stdout.includes('\u009b')).toBe(false);
      expect(result.stdout).not.toMatch(/^next line/m);
    }
    expect(runCli(['--data-dir', dataDir, 'traces']).stdout).toContain('\\x1b[31m');
    // As JSON the data stays the same data: it parses back to the original names.
    const json = JSON.parse(runCli(['--data-dir', dataDir, '--json', 'traces']).stdout);
    expect(json.operations[0].operation).toBe(`transcribe${ESC}[31m`);
  });

  it('an error quoting a name stays one line', () => {
    const dataDir = makeTempDir();
    const result = runCli(['--data-dir', dataDir, 'traces', 'show', `abc${ESC}[2J\ndef`]);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.includes(ESC)).toBe(false);
  });

  it.each([[['--help']], [['db', 'info']], [['--json', 'traces']], [['performance']]])(
    'a failure to write standard output (%j > /dev/full) is one line and a non-zero exit',
    (args) => {
      const dataDir = makeTempDir();
      recordWorkload(dataDir, ['--turns', '1']);
      const full = fs.openSync('/dev/full', 'w');
      try {
        const result = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], {
          stdio: ['ignore', full, 'pipe'],
          env: cleanEnv(),
          encoding: 'utf8',
          timeout: 30_000,
        });
        expect(result.status).toBe(1);
        expect(result.stderr).toBe('error: cannot write to standard output: no space left on device\n');
      } finally {
        fs.closeSync(full);
      }
    },
  );

  it('performance --live writes no cursor escapes into a pipe: one refresh after the other', async () => {
    const dataDir = makeTempDir();
    recordWorkload(dataDir, ['--turns', '1']);
    const live = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'performance', '--live', '--interval', '0.2'], {
      env: cleanEnv(),
    });
    let out = '';
    live.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if ((out.match(/^live · every/gm) ?? []).length >= 2) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    live.kill('SIGINT');
    await new Promise((resolve) => live.once('close', resolve));
    expect(out.includes(ESC)).toBe(false);
  });

  it('names a data directory that is a file, or unreadable, for what it is', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'data');
    fs.writeFileSync(file, '');
    for (const args of [['performance'], ['db', 'info']]) {
      expectOneLineError(runCli(['--data-dir', file, ...args]), 1, /data directory .*data is a file, not a directory/);
    }
    // Unreadable: a directory its user may not list (run as nobody: root may read anything).
    fs.chmodSync(dir, 0o755);
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, { mode: 0o700 });
    const asNobody = spawnSync(process.execPath, [BIN, '--data-dir', locked, 'performance'], {
      env: cleanEnv(),
      encoding: 'utf8',
      timeout: 30_000,
      ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}),
    });
    expectOneLineError(
      { status: asNobody.status, stdout: asNobody.stdout, stderr: asNobody.stderr },
      1,
      /cannot read data directory .*locked: permission denied/,
    );
  });
});
