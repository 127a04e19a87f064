'use strict';
// Preloaded (`--require`) into a benchmarked program: records the CPU time the process has used
// (all its threads: process.cpuUsage) each time it writes a line to stdout that starts with
// BENCH_CPU_MARK, and at its exit; writes them to the file named by BENCH_CPU_FILE. The CPU between
// two such lines is what the program spent between them, apart from its start-up and exit. The
// same in every configuration measured, so its own cost falls on all alike. Main thread only: Node
// runs `--require` preloads in worker threads too (the writer's, the ESM loader's), and a worker's
// exit handler, run after the main thread's, used to overwrite the file with no marks.
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const file = process.env.BENCH_CPU_FILE;
const mark = process.env.BENCH_CPU_MARK;
if (file !== undefined && isMainThread) {
  const cpuUs = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  const marks = [];
  if (mark !== undefined) {
    const write = process.stdout.write;
    process.stdout.write = function (chunk, ...rest) {
      if (String(chunk).startsWith(mark)) marks.push({ ms: performance.now(), cpuUs: cpuUs() });
      return write.call(this, chunk, ...rest);
    };
  }
  process.on('exit', () => fs.writeFileSync(file, JSON.stringify({ totalUs: cpuUs(), marks })));
}
