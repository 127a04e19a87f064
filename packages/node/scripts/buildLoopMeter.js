'use strict';
// Compiles the native event-loop meter (native/loop_busy.c, Node-API: one build serves every Node
// version) with node-gyp: npm's own, which npm names to its scripts in npm_config_node_gyp, or one
// on the PATH. Without a C compiler the build fails and the resource monitor measures the loop's
// delay with a timer instead (see src/monitor/loopDelay.ts): said in one line, not an error.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const packageDir = path.resolve(__dirname, '..');
const built = path.join(packageDir, 'build', 'Release', 'loop_busy.node');
const sources = ['native/loop_busy.c', 'binding.gyp'].map((file) => path.join(packageDir, file));

// Up to date: nothing to do (npm run build runs before every test run).
if (fs.existsSync(built) && sources.every((file) => fs.statSync(file).mtimeMs <= fs.statSync(built).mtimeMs)) {
  process.exit(0);
}
const gyp = process.env.npm_config_node_gyp;
const [command, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];
const result = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8' });
if (result.status !== 0) {
  const why = result.error?.message ?? (result.stderr || '').split('\n').find((line) => /error/i.test(line)) ?? '';
  console.warn(
    `packages/node: the native event-loop meter was not built (${why.trim() || `node-gyp exited with ${result.status}`}); the resource monitor measures the loop's delay with a timer instead`,
  );
}
