/**
 * The preload starts from one bundled file (packages/node/scripts/bundlePreload.js, built by
 * `npm run build`): before the app's first line, the process has loaded that file and only the
 * packages deliberately kept out of it. A change that loads the SDK packages from node_modules
 * again (~200 modules more to resolve and compile at start-up) fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv } from '../../../../test/helpers/cleanEnv';
import { REPO_ROOT, runNode, tempProject } from '../../../../test/helpers/preloadedProcess';
import { storedSpans } from '../../../../test/helpers/storedSpans';
import { removeTempDirs } from '../../../../test/helpers/tempDir';

afterAll(removeTempDirs);

// Kept out of the bundle: the API packages and @transcriber/instrumentation (their module state is
// shared with the app's copies), better-sqlite3 (native) and the profiler's span processor (shared
// with the profiler, loaded later).
const UNBUNDLED = [
  '@opentelemetry/api',
  '@opentelemetry/api-logs',
  '@transcriber/instrumentation',
  '@transcriber/node',
  '@transcriber/profiler',
  'better-sqlite3',
];
const NODE_DIST = path.join(REPO_ROOT, 'packages', 'node', 'dist');

// What the app sees at its first line: every CommonJS module loaded so far.
const REPORT = `const loaded = Object.keys(require.cache);
const { step } = require('./work.js');
console.log(JSON.stringify({ loaded, answer: step(41) }));`;
const FILES = {
  'work.js': `exports.step = function step(n) { return n + 1; };`,
  'app.js': REPORT,
  'app.mjs': `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${REPORT}`,
  'transcriber.config.json': JSON.stringify({
    instrument: [{ module: './work.js', export: 'step', component: 'tool' }],
  }),
};

/** The package a loaded file belongs to: `@scope/name` or `name` under node_modules, ours under packages/. */
function packageOf(file: string): string {
  const installed = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  if (installed !== null) return installed[1];
  const ours = /\/packages\/([^/]+)\//.exec(file);
  return ours !== null ? `@transcriber/${ours[1]}` : file;
}

it.each([
  ['--require', 'app.js', []],
  // An ES module app also gets the ESM loader hook (esmLoader.ts).
  ['--import', 'app.mjs', ['import-in-the-middle', 'module-details-from-path']],
])('%s loads the bundle and only the packages kept out of it; spans reach SQLite', async (flag, entry, esmLoader) => {
  const project = tempProject(FILES);
  const result = await runNode([flag, '@transcriber/node/register', entry], {
    cwd: project.dir,
    env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
  });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const { loaded, answer } = JSON.parse(result.stdout) as { loaded: string[]; answer: number };
  expect(answer).toBe(42);

  const appDir = fs.realpathSync(project.dir);
  const preloaded = loaded.filter((file) => !file.startsWith(appDir));
  expect([...new Set(preloaded.map(packageOf))].sort()).toEqual([...UNBUNDLED, ...esmLoader].sort());
  expect(preloaded.filter((file) => file.startsWith(NODE_DIST)).sort()).toEqual([
    path.join(NODE_DIST, 'preload.bundle.js'),
    path.join(NODE_DIST, 'preload', 'preloadBundle.js'),
    path.join(NODE_DIST, 'register.js'),
  ]);
  // The event-loop meter, native (native/loop_busy.c): the resource monitor's, loaded at start.
  const native = preloaded.filter((file) => file.endsWith('.node'));
  expect(native.map((file) => path.basename(file))).toContain('loop_busy.node');
  // The SDK and the SQLite exporter are in the bundle, not node_modules: ~90 modules, not ~290.
  expect(preloaded.length - native.length).toBeLessThan(100);

  expect(
    storedSpans(project.dataDir)
      .filter((s) => s.component === 'tool')
      .map((s) => s.operation),
  ).toEqual(['step']);
});

it('V8 takes the code cache the build made for the bundle', async () => {
  const project = tempProject();
  const loader = path.join(NODE_DIST, 'preload', 'preloadBundle.js');
  const result = await runNode(
    ['-e', `console.log(require(${JSON.stringify(loader)}).loadPreloadBundle().codeCache)`],
    {
      cwd: project.dir,
      env: cleanEnv({ TRANSCRIBER_PERF_DATA_DIR: project.dataDir }),
    },
  );
  expect(result).toMatchObject({ code: 0, stdout: 'used\n', stderr: '' });
});
