import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

type StartPreloadModule = typeof import('./startPreload');

export interface LoadedPreload {
  preload: StartPreloadModule;
  /** Whether V8 took the code cache: `none` when there was none to give it. */
  codeCache: 'used' | 'rejected' | 'none';
}

/** startPreload and what it loads before the app, in one file (scripts/bundlePreload.js). */
export const PRELOAD_BUNDLE = path.join(__dirname, '..', 'preload.bundle.js');

// The bundle's first line names the V8 code cache made for exactly its text (scripts/bundlePreload.js):
// a rebuilt bundle names another one, so a cache is never used with a text it was not made from
// (V8 itself only compares lengths).
const CACHE_NAME = /^\/\/ code cache: (preload\.bundle\.[0-9a-f]+\.cache)$/;

/**
 * Loads the preload's bundle as `require` would, but compiled with its code cache when there is
 * one: V8 then deserializes the bytecode of what the preload runs instead of compiling it. A cache
 * V8 rejects (another Node version, V8 flags that change code) costs nothing but the file read:
 * V8 compiles the source as usual.
 */
export function loadPreloadBundle(file = PRELOAD_BUNDLE): LoadedPreload {
  const source = fs.readFileSync(file, 'utf8');
  const cacheName = CACHE_NAME.exec(source.slice(0, source.indexOf('\n')))?.[1];
  let cachedData: Buffer | undefined;
  if (cacheName !== undefined) {
    try {
      cachedData = fs.readFileSync(path.join(path.dirname(file), cacheName));
    } catch {
      // not made (or removed by a newer build): compiled from source
    }
  }
  const script = compileBundle(file, source, cachedData);
  const codeCache = cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used';
  return { preload: runBundle(file, script), codeCache };
}

/**
 * Runs the bundle read from `source` as the file `file` (its preload included, in this process:
 * side effects and all) and writes to `cacheFile` the code cache of what that compiled. Used by the
 * build, in a process of its own, before the new bundle replaces the one at `file` (the cache keeps
 * the file name it was made with: the one stack traces show).
 */
export function writePreloadCodeCache(source: string, file: string, cacheFile: string): void {
  const script = compileBundle(file, fs.readFileSync(source, 'utf8'), undefined);
  runBundle(file, script).startPreload();
  fs.writeFileSync(cacheFile, script.createCachedData());
}

function compileBundle(file: string, source: string, cachedData: Buffer | undefined): vm.Script {
  return new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cachedData !== undefined ? { cachedData } : {}),
    // import() in the bundle resolves as it would in a file `require` loaded.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
}

function runBundle(file: string, script: vm.Script): StartPreloadModule {
  // A module of its own in require.cache, as `require` would have made it.
  const bundle = new Module(file, module);
  bundle.filename = file;
  require.cache[file] = bundle;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, path.dirname(file));
  bundle.loaded = true;
  return bundle.exports as StartPreloadModule;
}
