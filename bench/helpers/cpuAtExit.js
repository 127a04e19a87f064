'use strict';
// Preloaded (`--require`) into a benchmarked program: at its exit, writes the CPU time the process
// used (all its threads: process.cpuUsage) to the file named by BENCH_CPU_FILE. The same in every
// configuration measured, so its own cost falls on all alike.
const fs = require('node:fs');

const file = process.env.BENCH_CPU_FILE;
if (file !== undefined) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    fs.writeFileSync(file, JSON.stringify({ userUs: user, systemUs: system }));
  });
}
