'use strict';
// Bundles what the preload loads before the app's first line into one file, dist/preload.bundle.js
// (docs/performance.md, "Preload"): one module to resolve and compile instead of ~200, and, built
// from the ES module sources, only the parts of the OTel packages it uses (tree shaking); then
// the V8 code cache of what it runs at start-up. Run by `npm run build` after tsc (the cache is made
// with dist/preload/preloadBundle.js), and by the tests' global setup so they never run a stale one.
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PACKAGE_DIR = path.resolve(__dirname, '..');
const OUT_FILE = path.join(PACKAGE_DIR, 'dist', 'preload.bundle.js');

// Bundled: the SDK packages the preload starts and our SQLite exporters. Every other package stays
// an ordinary `require` of node_modules: the API packages and @transcriber/instrumentation (their
// module-level state must be the app's own copy's), better-sqlite3 (native), and all that is loaded
// only when used (OTLP, Prometheus, the logs SDK, the openai instrumentation, profiler, optimizer).
// They are resolved from packages/node/dist at run time, so each is a dependency of
// @transcriber/node itself (better-sqlite3 too, though @transcriber/storage is what uses it).
const BUNDLED = new Set([
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/core',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/semantic-conventions',
  '@transcriber/storage',
  '@transcriber/queries',
]);

// Our own packages come from their TypeScript sources, as the tests map them.
const SOURCE_ENTRIES = {
  '@transcriber/storage': path.resolve(PACKAGE_DIR, '../storage/src/index.ts'),
  '@transcriber/queries/percentile': path.resolve(PACKAGE_DIR, '../queries/src/percentile.ts'),
  // The turn derivation is pure functions and constants (no module state to share with the app's
  // copy of @transcriber/instrumentation), so it can be in the bundle.
  '@transcriber/instrumentation/frameworkSpans': path.resolve(PACKAGE_DIR, '../instrumentation/src/frameworkSpans.ts'),
};

const packageName = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');

const externalsPlugin = {
  name: 'preload-externals',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      // require.resolve() stays a lookup at run time (e.g. the SQLite writer finds its thread's file).
      if (args.path.startsWith('node:') || args.kind === 'require-resolve') return { path: args.path, external: true };
      if (SOURCE_ENTRIES[args.path] !== undefined) return { path: SOURCE_ENTRIES[args.path] };
      const name = packageName(args.path);
      if (!BUNDLED.has(name)) return { path: args.path, external: true };
      if (name.startsWith('@transcriber/')) throw new Error(`${args.path}: no source entry for it in bundlePreload.js`);
      return undefined;
    });
  },
};

/**
 * Builds dist/preload.bundle.js and the V8 code cache of what it runs at start-up (see
 * src/preload/preloadBundle.ts), the cache made by running the bundle once in a child process with
 * a throwaway data dir — which also fails the build if the bundled preload cannot start.
 * Returns the bundle's size in bytes.
 */
async function bundlePreload() {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(PACKAGE_DIR, 'src', 'preload', 'startPreload.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The ES module builds of the OTel packages, so what the preload does not use is left out.
    mainFields: ['module', 'main'],
    plugins: [externalsPlugin],
    tsconfig: path.join(PACKAGE_DIR, 'tsconfig.json'),
    write: false,
    outfile: OUT_FILE,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text;
  const cacheName = `preload.bundle.${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.cache`;
  const outDir = path.dirname(OUT_FILE);
  fs.mkdirSync(outDir, { recursive: true });
  // Written aside and renamed: a process starting meanwhile reads the old bundle or the new one,
  // and the new one's cache is in place before it is.
  const temporary = `${OUT_FILE}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `// code cache: ${cacheName}\n${code}`);
  try {
    writeCodeCache(temporary, path.join(outDir, cacheName));
    fs.renameSync(temporary, OUT_FILE);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  for (const name of fs.readdirSync(outDir)) {
    if (/^preload\.bundle\.[0-9a-f]+\.cache$/.test(name) && name !== cacheName)
      fs.rmSync(path.join(outDir, name), { force: true });
  }
  return code.length;
}

function writeCodeCache(bundleFile, cacheFile) {
  const loader = path.join(PACKAGE_DIR, 'dist', 'preload', 'preloadBundle.js');
  if (!fs.existsSync(loader)) throw new Error(`${loader} is missing: build the packages first (npm run build)`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-bundle-'));
  const env = { ...process.env, TRANSCRIBER_PERF_DATA_DIR: path.join(dataDir, 'data') };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') || key === 'NODE_OPTIONS') delete env[key];
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    const run = spawnSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(loader)}).writePreloadCodeCache(${[bundleFile, OUT_FILE, temporary].map((f) => JSON.stringify(f)).join(', ')})`,
      ],
      { cwd: dataDir, env, encoding: 'utf8' },
    );
    if (run.status !== 0 || run.stderr !== '') {
      throw new Error(`the bundled preload did not start (status ${run.status}): ${run.stderr}`);
    }
    fs.renameSync(temporary, cacheFile);
  } finally {
    fs.rmSync(temporary, { force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { bundlePreload, OUT_FILE };

if (require.main === module) {
  bundlePreload().then(
    (bytes) => console.log(`${path.relative(process.cwd(), OUT_FILE)}: ${(bytes / 1024).toFixed(0)} KiB`),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
