import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const created: string[] = [];

/** A fresh, empty directory in the system temp dir, removed by {@link removeTempDirs}. */
export function makeTempDir(prefix = 'transcriber-optimizer-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every directory made by {@link makeTempDir} in this test file (call from `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
