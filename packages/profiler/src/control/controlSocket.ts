import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the profiler control socket of process `pid` lives: a directory of this user's own in the
 * temp dir (owner-only), one socket per process, so `transcriber profile --pid N` finds it from
 * the pid alone.
 */
export function controlSocketPath(pid: number, socketDir = defaultSocketDir()): string {
  return path.join(socketDir, `profiler-${pid}.sock`);
}

export function defaultSocketDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return path.join(os.tmpdir(), `transcriber-${uid}`);
}

/**
 * Creates the socket directory owner-only, or checks that an existing one is a directory of ours
 * that nobody else can enter (another user could otherwise put a socket of theirs in our place).
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new Error(`${dir} belongs to another user`);
  }
  if ((stat.mode & 0o077) !== 0)
    throw new Error(`${dir} is open to other users (mode ${(stat.mode & 0o777).toString(8)})`);
}
