import { COMPONENT_TYPES, isComponentType } from '@transcriber/instrumentation';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { CALL_FIELD_NAMES, parseCallFields, type CallFields } from './callFields';

/**
 * One entry of the config file's `instrument` section: calls of an exported function (or of a
 * method of an exported class) of a module become operations of a component.
 *
 * ```json
 * "instrument": [
 *   { "module": "./src/stt.js", "export": "transcribe", "component": "stt" },
 *   { "module": "./src/agent.mjs", "export": "Agent.reply", "component": "agent", "operation": "reply" },
 *   { "module": "some-tts-package", "export": "default.synthesize", "component": "tts" }
 * ]
 * ```
 * An entry may also mark points of the call on the voice turn it runs in, read usage from the call,
 * and follow a streamed result (see callFields.ts); an entry without a component only marks.
 */
export interface OperationMapping {
  /** As written in the config file. */
  module: string;
  /** What the load hooks match: the package name, or the absolute path of the project file. */
  resolved: string;
  /** `transcribe` → ['transcribe']; `Agent.reply` → ['Agent', 'reply']; `default` = the module's default export. */
  exportPath: string[];
  /** Undefined for an entry that only marks the turn. */
  component?: string;
  operation?: string;
  /** Marks, usage and streaming of the call. */
  call: CallFields;
}

const ENTRY_FIELDS = ['module', 'export', 'component', 'operation', ...CALL_FIELD_NAMES];

/**
 * Reads the `instrument` section. Entries that are malformed, name an unknown component or a
 * project file that does not exist are reported through `warn` (one message each, naming the entry)
 * and skipped; the others are kept.
 */
export function parseOperationMap(section: unknown, cwd: string, warn: (message: string) => void): OperationMapping[] {
  if (section === undefined) return [];
  if (!Array.isArray(section)) {
    warn(
      '"instrument" in the config file must be a list of { module, export, component?, operation?, marks?, usage?, stream? }; ignoring it',
    );
    return [];
  }
  const mappings: OperationMapping[] = [];
  section.forEach((entry: unknown, index) => {
    const problem = (text: string): void => warn(`instrument[${index}] ${JSON.stringify(entry)}: ${text}; skipping it`);
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return problem('expected an object');
    const fields = entry as Record<string, unknown>;
    const unknownFields = Object.keys(fields).filter((key) => !ENTRY_FIELDS.includes(key));
    if (unknownFields.length > 0) return problem(`unknown field ${unknownFields.join(', ')}`);
    const { module, export: exported, component, operation } = fields;
    if (typeof module !== 'string' || module.trim() === '') return problem('"module" must be a package name or a file');
    if (typeof exported !== 'string' || !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)?$/.test(exported)) {
      return problem('"export" must be a name, or Class.method');
    }
    if (component !== undefined && (typeof component !== 'string' || !isComponentType(component))) {
      return problem(`"component" must be one of ${COMPONENT_TYPES.join(', ')}`);
    }
    if (operation !== undefined && (typeof operation !== 'string' || operation.trim() === '')) {
      return problem('"operation" must be a non-empty string');
    }
    if (component === undefined && operation !== undefined) return problem('"operation" needs a "component"');
    const call = parseCallFields(fields, component !== undefined);
    if (typeof call === 'string') return problem(call);
    const exportPath = exported.split('.');
    const resolved = resolveModule(module, cwd);
    if (resolved === undefined) return problem(`no such file ${path.resolve(cwd, module)}`);
    mappings.push({
      module,
      resolved,
      exportPath,
      component,
      operation:
        component === undefined ? undefined : ((operation as string | undefined) ?? exportPath[exportPath.length - 1]),
      call,
    });
  });
  return mappings;
}

/** A relative or absolute path is a project file, resolved as `require` would; anything else a package. */
function resolveModule(module: string, cwd: string): string | undefined {
  if (!module.startsWith('.') && !path.isAbsolute(module)) return module;
  try {
    return createRequire(path.join(cwd, 'noop.js')).resolve(path.resolve(cwd, module));
  } catch {
    return undefined;
  }
}
