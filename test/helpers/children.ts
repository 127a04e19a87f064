import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

// Children run this repository's TypeScript sources directly, as Jest does (see register-ts.js).
const REGISTER = path.join(__dirname, 'register-ts.js');

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from start to exit, ms. */
  elapsedMs: number;
}

export interface ChildOptions {
  cwd?: string;
  /** Killed (SIGKILL, code null) past this many ms. Default: none. */
  timeoutMs?: number;
}

/** Starts `script` (a .ts or .js file) in a new Node process that runs this repository's sources. */
export function startChild(script: string, args: readonly string[] = [], options: ChildOptions = {}): ChildProcess {
  return spawn(process.execPath, ['-r', REGISTER, script, ...args], {
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Resolves with the child's output once it exits. */
export function childExit(child: ChildProcess, timeoutMs?: number): Promise<ChildResult> {
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}

/** Runs a child script to completion. */
export function runChild(
  script: string,
  args: readonly string[] = [],
  options: ChildOptions = {},
): Promise<ChildResult> {
  const child = startChild(script, args, options);
  child.stdin!.end();
  return childExit(child, options.timeoutMs);
}

/** Resolves when the child prints a line equal to `line` (its way of saying it reached a point). */
export function childSays(child: ChildProcess, line: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child did not say "${line}" within ${timeoutMs} ms (said: ${seen})`));
    }, timeoutMs);
    const onData = (chunk: Buffer | string) => {
      seen += chunk.toString();
      if (seen.split('\n').includes(line)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (${code}) before saying "${line}" (said: ${seen})`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** The last line of a child's stdout, parsed as JSON: children report their results that way. */
export function lastJsonLine<T>(result: ChildResult): T {
  const lines = result.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(
      `child (exit ${result.code}) printed no JSON result.\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
}
