import { createRequire } from 'node:module';
import * as path from 'node:path';

/** A module's exports as a hook sees them: CommonJS `module.exports`, or an ES module namespace. */
export type ModuleExports = Record<string, unknown>;

/**
 * Called when the app loads one of the hooked modules. For CommonJS, what it returns becomes the
 * module's exports; for an ES module, assign the namespace's properties instead (import-in-the-middle
 * re-binds the app's imports to them).
 */
export type OnModuleLoad = (
  exports: ModuleExports,
  module: string,
  format: 'commonjs' | 'module',
  /** The package's directory (for packages). */
  baseDir: string | undefined,
) => unknown;

export interface ModuleLoadHook {
  unhook(): void;
}

// Minimal shapes of require-in-the-middle's and import-in-the-middle's Hook classes.
type RitmHook = new (
  modules: string[],
  options: { internals?: boolean },
  onRequire: (exports: unknown, name: string, baseDir?: string) => unknown,
) => ModuleLoadHook;
type IitmHook = new (
  modules: string[],
  options: { internals?: boolean },
  hookFn: (namespace: ModuleExports, name: string, baseDir?: string | void) => unknown,
) => ModuleLoadHook;

// Through @opentelemetry/instrumentation's own dependencies: the ESM loader registered by the
// preload (its hook.mjs) and the Hook registering with it must be the same copy of
// import-in-the-middle, or hooks silently never fire.
const fromInstrumentation = createRequire(require.resolve('@opentelemetry/instrumentation'));

/**
 * Calls `onLoad` with the exports of each of `modules` — package names (`openai`) or absolute file
 * paths (as `require.resolve` gives them) — when the app loads it: through `require` always, and
 * through `import` when `esm` is set (which needs the loader hook registered, see esmLoader.ts).
 */
export function hookModuleLoads(modules: readonly string[], esm: boolean, onLoad: OnModuleLoad): ModuleLoadHook {
  const { Hook } = fromInstrumentation('require-in-the-middle') as { Hook: RitmHook };
  const hooks: ModuleLoadHook[] = [
    // require-in-the-middle names a whitelisted file by its base name without extension, and its
    // directory; map that back to the path we asked for.
    new Hook([...modules], { internals: false }, (exports, name, baseDir) => {
      let result = exports;
      for (const module of requestedBy(modules, name, baseDir)) {
        result = onLoad(result as ModuleExports, module, 'commonjs', baseDir) ?? result;
      }
      return result;
    }),
  ];
  if (esm) {
    const { Hook: EsmHook } = fromInstrumentation('import-in-the-middle') as { Hook: IitmHook };
    hooks.push(
      new EsmHook([...modules], { internals: false }, (namespace, name, baseDir) => {
        if (modules.includes(name)) onLoad(namespace, name, 'module', baseDir ?? undefined);
      }),
    );
  }
  return {
    unhook() {
      for (const hook of hooks) hook.unhook();
    },
  };
}

function requestedBy(modules: readonly string[], name: string, baseDir: string | undefined): string[] {
  if (modules.includes(name)) return [name];
  if (baseDir === undefined) return [];
  return modules.filter(
    (module) => path.isAbsolute(module) && path.dirname(module) === baseDir && path.parse(module).name === name,
  );
}
