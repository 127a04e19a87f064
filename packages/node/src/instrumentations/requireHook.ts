import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

// The parts of Node's CommonJS loader the hook uses (stable since Node 0.x, used by
// require-in-the-middle and every APM agent).
interface CommonJsLoader {
  prototype: { require(this: NodeJS.Module, id: string): unknown };
  _resolveFilename(request: string, parent: NodeJS.Module): string;
  _cache: Record<string, NodeJS.Module | undefined>;
}
const Loader = Module as unknown as CommonJsLoader;

/** Called once per loaded copy of a hooked module; what it returns replaces the exports. */
export type OnRequire = (exports: unknown, module: string, baseDir: string | undefined) => unknown;

/**
 * Patches `Module.prototype.require` so `onRequire` sees each of `modules` — package names (matched
 * when required by that name) or absolute file paths (matched by resolved filename) — the first
 * time it loads, and every later `require` of it gets what `onRequire` returned. Our own few lines
 * instead of require-in-the-middle: it resolves the filename of every `require` of the app, and it
 * and its `debug` dependency cost more to load than the whole hook (docs/performance.md, "Preload").
 */
export function hookRequire(modules: readonly string[], onRequire: OnRequire): { unhook(): void } {
  const packages = modules.filter((m) => !path.isAbsolute(m));
  const files = modules.filter((m) => path.isAbsolute(m));
  // A cheap first test before resolving a relative require: `./x/stt.js`, `./x/stt` → `stt`.
  const fileNames = new Set(files.map((f) => path.parse(f).name));
  const patched = new WeakMap<object, unknown>();
  const original = Loader.prototype.require;
  let active = true;

  function hookedRequire(this: NodeJS.Module, id: string): unknown {
    // eslint-disable-next-line prefer-rest-params -- passed on exactly as received
    const exports = original.apply(this, arguments as unknown as [string]);
    if (!active || (typeof exports !== 'object' && typeof exports !== 'function') || exports === null) return exports;
    try {
      const known = patched.get(exports);
      if (known !== undefined || patched.has(exports)) return known;
      let module: string | undefined;
      if (packages.includes(id)) {
        module = id;
      } else if (
        files.length > 0 &&
        (id.startsWith('.') || path.isAbsolute(id)) &&
        fileNames.has(path.parse(id).name)
      ) {
        const filename = Loader._resolveFilename(id, this);
        if (files.includes(filename)) module = filename;
      }
      if (module === undefined) return exports;
      const filename = module === id && !path.isAbsolute(id) ? Loader._resolveFilename(id, this) : module;
      const result = onRequire(exports, module, module === id ? packageDir(filename, id) : undefined) ?? exports;
      patched.set(exports, result);
      if (result !== exports) {
        const cached = Loader._cache[filename];
        if (cached !== undefined && cached.exports === exports) cached.exports = result;
      }
      return result;
    } catch {
      return exports; // the hook never fails a require
    }
  }

  Loader.prototype.require = hookedRequire;
  return {
    unhook() {
      if (Loader.prototype.require === hookedRequire) Loader.prototype.require = original;
      else active = false; // someone patched on top of us: stay in the chain, inert
    },
  };
}

/** The directory of package `name` that `filename` belongs to (where its package.json is). */
function packageDir(filename: string, name: string): string | undefined {
  for (let dir = path.dirname(filename); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (manifest.name === name) return dir;
    } catch {
      // no package.json here
    }
  }
  return undefined;
}
