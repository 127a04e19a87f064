'use strict';
// Runs every bench/*.bench.js in sorted order, each in its own node process so one benchmark's
// JIT state, heap and OTel globals cannot colour the next. Usage: node bench/run.js [substring]
// (or `npm run bench -- substring`). Exits non-zero if any benchmark fails.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function main(argv) {
  const filter = argv[0];
  const files = fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.bench.js'))
    .filter((name) => filter === undefined || name.includes(filter))
    .sort();
  if (files.length === 0) {
    console.error(filter === undefined ? 'no bench/*.bench.js files' : `no benchmark file name contains "${filter}"`);
    return 1;
  }

  const failed = [];
  for (const file of files) {
    console.log(`\n## ${file}\n`);
    // --expose-gc lets a benchmark collect garbage between measurements.
    const run = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, file)], { stdio: 'inherit' });
    if (run.error !== undefined) {
      failed.push(`${file}: ${run.error.message}`);
    } else if (run.status !== 0) {
      failed.push(`${file}: ${run.signal !== null ? `killed by ${run.signal}` : `exit code ${run.status}`}`);
    }
  }

  if (failed.length > 0) {
    console.error(`\n${failed.length} of ${files.length} benchmark(s) failed:\n  ${failed.join('\n  ')}`);
    return 1;
  }
  console.log(`\n${files.length} benchmark(s) done.`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
