import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';

type Compile = (module: { _compile(code: string, filename: string): void }, filename: string) => void;
interface TypeScript {
  transpileModule(source: string, options: object): { outputText: string };
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2022: number };
}

/**
 * Lets `require` load `.ts` files, so TypeScript bench files (and the TypeScript they import) run
 * without a build step. Each file is transpiled on load with the `typescript` package of the
 * project the bench file is in (types are not checked: that is the project's build's job). When
 * something already handles `.ts` (ts-node, tsx, a test runner), it is left in charge.
 */
export function ensureTypeScriptHook(benchFile: string): void {
  const extensions = (Module as unknown as { _extensions: Record<string, Compile | undefined> })._extensions;
  if (extensions['.ts'] !== undefined) return;
  const ts = loadTypeScript(benchFile);
  const compilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    isolatedModules: true,
  };
  extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    module._compile(ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText, filename);
  };
}

function loadTypeScript(benchFile: string): TypeScript {
  for (const from of [benchFile, __filename]) {
    try {
      return createRequire(from)('typescript') as TypeScript;
    } catch {
      // try the next place
    }
  }
  throw new Error(
    'loading a TypeScript bench file needs the `typescript` package in its project (npm install --save-dev typescript)',
  );
}
