import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, writeFiles } from './tempDir';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A temporary project directory (tempDir's: removed by removeTempDirs): its own data dir, and a
 * `node_modules` link to the repository's, so the app and `--require @transcriber/node/register`
 * resolve packages as an installed app would.
 */
export function tempProject(files: Record<string, string> = {}): { dir: string; dataDir: string } {
  const dir = makeTempDir('transcriber-preload-');
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFiles(dir, files);
  return { dir, dataDir: path.join(dir, 'data') };
}

export interface RunningProcess {
  pid: number;
  /** Resolves with the first stdout line matching, e.g. "ready". */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<ProcessResult>;
}

interface NodeOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The node binary (default: this process's). */
  execPath?: string;
}

/** Starts `node <args>` in `cwd`. */
export function startNode(args: string[], options: NodeOptions): RunningProcess {
  const child = spawn(options.execPath ?? process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const lineWaiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    for (const waiter of [...lineWaiters]) {
      const line = stdout.split('\n').find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        lineWaiters.splice(lineWaiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<ProcessResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    pid: child.pid!,
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const line = stdout.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) return resolve(line);
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`),
            ),
          timeoutMs,
        );
        lineWaiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exited.then(() =>
          reject(new Error(`exited before a line matching ${pattern}; stdout: ${stdout}; stderr: ${stderr}`)),
        );
      });
    },
    kill: (signal) => child.kill(signal),
    exited,
  };
}

/** Runs `node <args>` to its end. */
export function runNode(args: string[], options: NodeOptions): Promise<ProcessResult> {
  return startNode(args, options).exited;
}
