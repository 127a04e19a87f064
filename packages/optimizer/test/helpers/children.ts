import { spawn } from 'node:child_process';
import * as path from 'node:path';

// The sqlite-exporter's loader: children run this repository's TypeScript sources directly.
const REGISTER = path.resolve(__dirname, '../../../sqlite-exporter/test/helpers/register-ts.js');

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from start to exit, ms. */
  elapsedMs: number;
}

/** Runs `children/<script>` in a new Node process; kills it (code null) after `timeoutMs`. */
export function runChild(script: string, args: readonly string[], timeoutMs = 20_000): Promise<ChildResult> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-r', REGISTER, path.join(__dirname, 'children', script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}
