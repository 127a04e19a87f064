import { createRequire } from 'node:module';
import { hookRequire } from './requireHook';

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

// The minimal shape of import-in-the-middle's Hook class.
type IitmHook = new (
  modules: string[],
  options: { internals?: boolean },
  hookFn: (namespace: ModuleExports, name: string, baseDir?: string | void) => unknown,
) => ModuleLoadHook;

// Through @opentelemetry/instrumentation's own dependency: the ESM loader registered by the preload
// (its hook.mjs) and the Hook registering with it must be the same copy of import-in-the-middle,
// or hooks silently never fire.
const fromInstrumentation = createRequire(require.resolve('@opentelemetry/instrumentation'));

/**
 * Calls `onLoad` with the exports of each of `modules` — package names (`openai`) or absolute file
 * paths (as `require.resolve` gives them) — when the app loads it: through `require` always, and
 * through `import` when `esm` is set (which needs the loader hook registered, see esmLoader.ts).
 */
export function hookModuleLoads(modules: readonly string[], esm: boolean, onLoad: OnModuleLoad): ModuleLoadHook {
  const hooks: ModuleLoadHook[] = [
    hookRequire(modules, (exports, module, baseDir) => onLoad(exports as ModuleExports, module, 'commonjs', baseDir)),
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
