import { diag } from '@opentelemetry/api';
import { markedCall, timedCall } from './mappedCall';
import { hookModuleLoads, type ModuleExports, type ModuleLoadHook } from './moduleLoadHooks';
import type { OperationMapping } from './operationMap';

const ORIGINAL = Symbol.for('transcriber.instrumentations.original');
type Callable = ((...args: unknown[]) => unknown) & { [ORIGINAL]?: Callable };

/**
 * Patches the functions and methods named in the `instrument` section when their modules load, so
 * each call is timed with `timeOperation(component, operation, ...)`: sync stays sync, the same
 * promise comes back, errors are rethrown unchanged, `this` and the arguments are passed through.
 * Calls a module makes to its own functions internally do not go through its exports and so are
 * not timed (as with any monkey-patching).
 */
export function instrumentMappedOperations(mappings: readonly OperationMapping[], esm: boolean): ModuleLoadHook {
  const modules = [...new Set(mappings.map((m) => m.resolved))];
  return hookModuleLoads(modules, esm, (exports, module, format) => {
    let result: unknown = exports;
    for (const mapping of mappings) {
      if (mapping.resolved !== module) continue;
      try {
        result = patchExport(result as ModuleExports, mapping, format) ?? result;
      } catch (err) {
        diag.warn(`transcriber: cannot instrument ${describe(mapping)}: ${(err as Error).message}`);
      }
    }
    return result;
  });
}

/** Patches one mapped export in place; returns new CommonJS exports when the module itself is the function. */
function patchExport(exports: ModuleExports, mapping: OperationMapping, format: 'commonjs' | 'module'): unknown {
  const [first, method] = mapping.exportPath;
  // A CommonJS module that *is* the function (`module.exports = fn`) has it as its "default".
  const wholeModule = first === 'default' && format === 'commonjs' && !('default' in exports);
  const target: unknown = wholeModule ? exports : exports[first];
  if (target === undefined) throw new Error(`the module has no export "${first}"`);

  if (method !== undefined) {
    // A prototype method, else a static one: patched on the class itself, which every importer
    // (CommonJS or ESM) shares.
    const owner = (target as { prototype?: Record<string, unknown> }).prototype;
    const holder =
      owner !== undefined && typeof owner[method] === 'function' ? owner : (target as Record<string, unknown>);
    replaceFunction(holder, method, mapping);
    return undefined;
  }
  if (wholeModule) return timed(target as Callable, mapping);
  replaceFunction(exports, first, mapping);
  return undefined;
}

function replaceFunction(holder: Record<string, unknown>, key: string, mapping: OperationMapping): void {
  const original = holder[key];
  if (typeof original !== 'function') throw new Error(`"${key}" is not a function`);
  if ((original as Callable)[ORIGINAL] !== undefined) return; // already timed (module loaded twice)
  const wrapped = timed(original as Callable, mapping);
  const descriptor = Object.getOwnPropertyDescriptor(holder, key);
  if (descriptor !== undefined && descriptor.get !== undefined && descriptor.configurable === false) {
    throw new Error(`"${key}" is a read-only getter`);
  }
  if (descriptor?.get !== undefined) {
    // TypeScript's CommonJS output re-exports through getters.
    Object.defineProperty(holder, key, { ...descriptor, get: () => wrapped });
  } else {
    holder[key] = wrapped;
  }
}

function timed(original: Callable, mapping: OperationMapping): Callable {
  if (/^class[\s{]/.test(Function.prototype.toString.call(original))) {
    throw new Error('it is a class; map its methods instead (Class.method)');
  }
  const { component, operation, call } = mapping;
  const wrapped: Callable =
    component === undefined || operation === undefined
      ? function (this: unknown, ...args: unknown[]) {
          return markedCall(original, this, args, call);
        }
      : function (this: unknown, ...args: unknown[]) {
          return timedCall(original, this, args, component, operation, call);
        };
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  // Static members of a function used as a namespace (`module.exports = fn; fn.helper = ...`).
  for (const key of Object.keys(original))
    (wrapped as unknown as Record<string, unknown>)[key] = (original as unknown as Record<string, unknown>)[key];
  wrapped[ORIGINAL] = original;
  return wrapped;
}

function describe(mapping: OperationMapping): string {
  const what = mapping.component === undefined ? 'marks' : `${mapping.component}.${mapping.operation}`;
  return `${mapping.module} ${mapping.exportPath.join('.')} (${what})`;
}
