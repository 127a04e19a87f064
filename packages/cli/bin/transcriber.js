#!/usr/bin/env node
'use strict';
// The `transcriber` command. A file committed to the repository, not the build's dist/bin.js:
// npm links a workspace's bin only if the file exists when it installs, and `npm run setup`
// installs before it builds, so a bin pointing into dist/ was never linked on a fresh clone
// (`npx transcriber` then looked the name up in the public registry instead).
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'bin.js');
try {
  require.resolve(built);
} catch {
  process.stderr.write(`transcriber: not built yet (${built} is missing): run \`npm run build\` first\n`);
  process.exit(1);
}
require(built);
