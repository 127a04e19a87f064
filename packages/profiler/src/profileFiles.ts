import * as fs from 'node:fs';
import * as path from 'node:path';

let sequence = 0;

/**
 * File names for one profile's raw outputs: `<label>-<time>-<pid>-<n>.cpuprofile` and
 * `.heapprofile` in `outputDir`, unique within the directory.
 */
export function profileFileBase(outputDir: string, label: string, startedAt: Date): string {
  const time = startedAt.toISOString().replace(/[:.]/g, '-');
  const safe = label.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return path.join(outputDir, `${safe}-${time}-${process.pid}-${++sequence}`);
}

/**
 * Writes a raw profile as JSON, owner-only (profiles name the app's functions and files). The JSON
 * is exactly what the inspector returned, so DevTools, VS Code and speedscope open it.
 */
export function writeProfileFile(filePath: string, profile: unknown): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
  fs.writeFileSync(filePath, JSON.stringify(profile), { mode: 0o600 });
}
