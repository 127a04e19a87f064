import { instrumentMappedOperations } from './mappedOperations';
import type { ModuleLoadHook } from './moduleLoadHooks';
import { parseOperationMap } from './operationMap';

/**
 * Applies a config file's `instrument` section to the CommonJS modules this process loads from now
 * on, as the preload does: for a process that runs an app's code without the preload, e.g.
 * `transcriber benchmark` running bench files that load the app's modules, so a pipeline
 * benchmark sees the same operations and turns as the app in production. Problems with entries go
 * to `warn` (one per entry); undefined when there is nothing to apply. `unhook()` stops patching
 * modules loaded later (those already patched stay so).
 */
export function applyInstrumentMap(
  section: unknown,
  cwd: string,
  warn: (message: string) => void,
): ModuleLoadHook | undefined {
  const mappings = parseOperationMap(section, cwd, warn);
  return mappings.length === 0 ? undefined : instrumentMappedOperations(mappings, false);
}
