import * as fs from 'node:fs';
import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Whether the app's entry point is an ES module: `.mjs`, or `.js` / no extension under a
 * package.json with `"type": "module"` (the nearest one, as Node decides).
 */
export function entryIsEsm(entry: string | undefined): boolean {
  if (entry === undefined) return false;
  const extension = path.extname(entry);
  if (extension === '.mjs' || extension === '.mts') return true;
  if (extension !== '.js' && extension !== '' && extension !== '.ts') return false;
  for (let dir = path.dirname(path.resolve(entry)); ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { type?: unknown };
      return manifest.type === 'module';
    } catch {
      // no (readable) package.json here: look further up
    }
    if (path.dirname(dir) === dir) return false;
  }
}

/**
 * Registers import-in-the-middle's loader (the copy @opentelemetry/instrumentation uses) so the
 * ES modules among `modules` (package names, absolute file paths) can be patched when imported;
 * no other module goes through it. The loader runs on its own thread: ~12 MiB and some tens of
 * milliseconds (docs/performance.md, "Preload"), which is why it is registered only for ESM apps.
 */
export function registerEsmLoader(modules: readonly string[]): boolean {
  if (typeof nodeModule.register !== 'function') return false;
  const include = modules.map((m) => (path.isAbsolute(m) ? pathToFileURL(m).href : m));
  nodeModule.register('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(__filename), { data: { include } });
  return true;
}
