import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The @transcriber/ui package directory (src/server/ and dist/server/ are both two levels below
 * it): the built page is in its dist/page/.
 */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

export const PAGE_DIR = path.join(PACKAGE_ROOT, 'dist', 'page');

/** The package's version, from its package.json. */
export function packageVersion(): string {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
