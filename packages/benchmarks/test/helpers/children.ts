import { spawn } from 'node:child_process';
import * as path from 'node:path';

// The repository's loader for children: `@transcriber/<pkg>` → packages/<pkg>/src, `.ts` transpiled.
const REGISTER = path.resolve(__dirname, '../../../sqlite-exporter/test/helpers/register-ts.js');
const CHILDREN = path.join(__dirname, 'children');

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `children/<script>` in a new Node process on this repository's sources; resolves when it exits. */
export function runChild(script: string, args: readonly string[] = [], cwd?: string): Promise<ChildResult> {
  const child = spawn(process.execPath, ['-r', REGISTER, path.join(CHILDREN, script), ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
