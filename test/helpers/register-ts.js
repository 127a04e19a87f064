// Lets child processes started by the tests run this repository's TypeScript sources directly
// (`node -r register-ts.js child.ts`), the way Jest's moduleNameMapper does in the test process:
// `@transcriber/<pkg>` and its light entries resolve to their TypeScript sources under
// packages/<pkg>/src, and `.ts` files are transpiled on load.
// Children then exercise the code under test, never a stale dist/ build.
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');

const packagesDir = path.resolve(__dirname, '../../packages');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, sourceOf(request) ?? request, ...rest);
};

/** `@transcriber/<pkg>[/<entry>]` → the TypeScript source of that entry of its exports map. */
function sourceOf(request) {
  const match = /^@transcriber\/([a-z-]+)(\/[a-zA-Z-]+)?$/.exec(request);
  if (match === null) return undefined;
  const dir = path.join(packagesDir, match[1]);
  let exportsMap;
  try {
    exportsMap = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).exports;
  } catch {
    return undefined; // not one of ours (an example's own package, say)
  }
  const target = exportsMap?.[`.${match[2] ?? ''}`]?.default;
  if (typeof target !== 'string' || !target.startsWith('./dist/')) return undefined;
  return path.join(dir, 'src', target.slice('./dist/'.length).replace(/\.js$/, '.ts'));
}

// Transpiling is most of a child's start-up; outputs are cached by content (several children start
// at once in some tests, and a slow start would blur what they measure).
const cacheDir = path.join(os.tmpdir(), 'transcriber-test-ts-cache');
let ts;

function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  ts ??= require('typescript');
  const { outputText } = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      isolatedModules: true,
    },
  });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}`;
    fs.writeFileSync(partial, outputText);
    fs.renameSync(partial, cached);
  } catch {
    // an unwritable cache only costs time
  }
  return outputText;
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
