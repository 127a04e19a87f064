'use strict';
// Start-up cost of the preload, in whole processes: a tiny app run plainly (`node app.js`) and with
// `node --require @transcriber/node/register app.js` (SQLite exporter on, the default), measured in
// alternating order and compared by their medians. Figures per variant:
//   - to app:  ms from process start to the app's first line (performance.now() there);
//   - wall:    ms from spawn to exit, the exit flush included;
//   - CPU:     user + system ms of the process (all threads), less sensitive to a busy machine;
//   - peak:    maximum resident set size (process.resourceUsage().maxRSS at the very end).
// Also: the same with `--import` and an ES module app (its loader hook runs on its own thread), and
// an app that loads the `openai` SDK (whose instrumentation loads with it). The contrib
// `@opentelemetry/auto-instrumentations-node/register` is measured when it is installed; it is not
// a dependency here, so the figure to compare with is docs/../ANCHORS' (+1.04 s, +52 MiB).
// Targets: ≤ 150 ms and ≤ 20 MiB over plain node. `BENCH_STRICT=1` makes a missed target fail.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const TARGET_MS = 150;
const TARGET_MIB = 20;
const ROOT = path.resolve(__dirname, '..');

const REPORT = `
process.on('exit', () => {
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ atMain, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS }) + '\\n');
});`;
const APPS = {
  'app.js': `const atMain = performance.now();${REPORT}`,
  'app.mjs': `const atMain = performance.now();${REPORT}`,
  'openai-app.js': `const atMain = performance.now();\nrequire('openai');${REPORT}`,
};

function project() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-preload-bench-'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [name, source] of Object.entries(APPS)) fs.writeFileSync(path.join(dir, name), source);
  return dir;
}

function contribRegister(dir) {
  try {
    return require.resolve('@opentelemetry/auto-instrumentations-node/register', { paths: [dir] });
  } catch {
    return undefined;
  }
}

function run(dir, args) {
  const env = { ...process.env, TRANSCRIBER_PERF_DATA_DIR: path.join(dir, 'data') };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') || key === 'NODE_OPTIONS') delete env[key];
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0 || child.stderr !== '') {
    throw new Error(`node ${args.join(' ')} failed (status ${child.status}): ${child.stderr}`);
  }
  const figures = JSON.parse(child.stdout.trim().split('\n').pop());
  return { wallMs, atMainMs: figures.atMain, cpuMs: figures.cpuMs, peakMiB: figures.maxRssKiB / 1024 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function main() {
  const dir = project();
  const variants = [
    { name: 'node app.js', args: ['app.js'] },
    {
      name: 'node --require @transcriber/node/register app.js',
      args: ['--require', '@transcriber/node/register', 'app.js'],
      baseline: 'node app.js',
      target: true,
    },
    { name: 'node app.mjs', args: ['app.mjs'] },
    {
      name: 'node --import @transcriber/node/register app.mjs',
      args: ['--import', '@transcriber/node/register', 'app.mjs'],
      baseline: 'node app.mjs',
    },
    { name: 'node openai-app.js', args: ['openai-app.js'] },
    {
      name: 'node --require @transcriber/node/register openai-app.js',
      args: ['--require', '@transcriber/node/register', 'openai-app.js'],
      baseline: 'node openai-app.js',
    },
  ];
  const contrib = contribRegister(dir);
  if (contrib !== undefined) {
    variants.push({
      name: 'node --require @opentelemetry/auto-instrumentations-node/register app.js',
      args: ['--require', contrib, 'app.js'],
      baseline: 'node app.js',
    });
  }

  for (const v of variants) run(dir, v.args); // warm the file system cache
  const samples = new Map(variants.map((v) => [v.name, []]));
  for (let round = 0; round < RUNS; round++) {
    // Alternate the order so no variant always runs first or right after the same other one.
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) samples.get(v.name).push(run(dir, v.args));
  }

  const stats = new Map(
    variants.map((v) => {
      const s = samples.get(v.name);
      return [
        v.name,
        {
          atMainMs: median(s.map((x) => x.atMainMs)),
          wallMs: median(s.map((x) => x.wallMs)),
          cpuMs: median(s.map((x) => x.cpuMs)),
          peakMiB: median(s.map((x) => x.peakMiB)),
        },
      ];
    }),
  );

  console.log(
    `Preload start-up: median of ${RUNS} alternating runs per variant, Node ${process.version}, ${os.cpus().length} CPUs`,
  );
  const rows = [['variant', 'to app ms', 'wall ms', 'CPU ms', 'peak MiB', 'Δ to app', 'Δ wall', 'Δ CPU', 'Δ peak']];
  for (const v of variants) {
    const s = stats.get(v.name);
    const b = v.baseline === undefined ? undefined : stats.get(v.baseline);
    const delta = (key, digits) =>
      b === undefined ? '' : `${s[key] - b[key] >= 0 ? '+' : ''}${(s[key] - b[key]).toFixed(digits)}`;
    rows.push([
      v.name,
      s.atMainMs.toFixed(0),
      s.wallMs.toFixed(0),
      s.cpuMs.toFixed(0),
      s.peakMiB.toFixed(1),
      delta('atMainMs', 0),
      delta('wallMs', 0),
      delta('cpuMs', 0),
      delta('peakMiB', 1),
    ]);
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  for (const row of rows)
    console.log(row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  '));
  if (contrib === undefined) {
    console.log(
      '@opentelemetry/auto-instrumentations-node is not installed: compare with +1.04 s and +52 MiB (ANCHORS.md, same kind of machine).',
    );
  }

  const preloaded = stats.get('node --require @transcriber/node/register app.js');
  const plain = stats.get('node app.js');
  const addedMs = preloaded.wallMs - plain.wallMs;
  const addedMiB = preloaded.peakMiB - plain.peakMiB;
  const met = addedMs <= TARGET_MS && addedMiB <= TARGET_MIB;
  console.log(
    `--require with SQLite: +${addedMs.toFixed(0)} ms wall (target ≤ ${TARGET_MS}), +${addedMiB.toFixed(1)} MiB peak (target ≤ ${TARGET_MIB}): target ${met ? 'met' : 'missed'}`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  if (!met && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

main();
