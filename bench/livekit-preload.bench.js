'use strict';
// The preload's CPU per turn on a real LiveKit Agents app: examples/livekit-agent (the real
// @livekit/agents, its test STT and LLM, WebRTC VAD, espeak-ng, real-time audio in and out), run
// BENCH_REPEATS times its 4-exchange script (default 3: 12 turns) in four variants: as it is; under
// the least any OpenTelemetry tracing costs it (bench/helpers/otelFloor.js: a recording tracer
// provider whose exporter drops every span, and the AsyncLocalStorage context manager); under
// `node --require @transcriber/node/register`; and under the preload with resource monitoring off
// (TRANSCRIBER_PERF_ENABLE_MONITORING=false: the turns and their operations apart from monitoring's
// cost per second of real time).
// Measured: the process's CPU time (user + system, all its threads: process.cpuUsage), not wall
// time (the script runs in real time), between the user's second line and its last in the same
// run (bench/helpers/cpuAtLines.js, preloaded in every run, reads it as each line is printed): so
// start-up, the first turn's warm-up and the exit are apart, reported as the rest of the run.
// The four variants of a round run side by side, at the same time (each uses ~5% of a core), and
// each round gives its own ratios to the app's run beside it: on this shared machine the CPU time
// of the same run drifts by up to ±25% from one minute to the next, which one after the other
// swamped a few per cent; side by side, a variant's rounds spread by ±4–10% around their median
// (docs/performance.md has the ranges). Reported: the median of BENCH_ROUNDS rounds' ratios
// (default 6), and their range; more rounds narrow the median.
// Target: the preload's CPU per turn ≤ 1.03× the app's own. BENCH_STRICT=1 fails the run on a
// missed target.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'livekit-agent');
const CPU_AT_LINES = path.join(__dirname, 'helpers', 'cpuAtLines.js');
const OTEL_FLOOR = path.join(__dirname, 'helpers', 'otelFloor.js');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const TURNS_PER_REPEAT = 4;
const TARGET_RATIO = 1.03;
/** How the example starts the line of each user message it prints (one an exchange). */
const USER_LINE = 'user ';

const VARIANTS = [
  { key: 'plain', label: 'the app as it is', preload: [] },
  { key: 'floor', label: 'under any OTel tracing (floor)', preload: [OTEL_FLOOR] },
  { key: 'preload', label: 'under the preload', preload: ['@transcriber/node/register'], stores: true },
  {
    key: 'unmonitored',
    label: 'under the preload, no monitoring',
    preload: ['@transcriber/node/register'],
    stores: true,
    env: { TRANSCRIBER_PERF_ENABLE_MONITORING: 'false' },
  },
];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * One run of the example: its CPU ms per turn and wall s per turn (between the user's second line
 * and its last), its CPU ms outside those turns, and the turns the preload stored (when it stores).
 */
async function run(variant) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-bench-livekit-'));
  const cpuFile = path.join(dir, 'cpu.json');
  const args = ['--require', CPU_AT_LINES];
  for (const module of variant.preload) args.push('--require', module);
  args.push('dist/main.js', '--repeat', String(REPEATS));
  const env = {
    ...process.env,
    BENCH_CPU_FILE: cpuFile,
    BENCH_CPU_MARK: USER_LINE,
    TRANSCRIBER_PERF_DATA_DIR: path.join(dir, 'data'),
  };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') || key === 'NODE_OPTIONS') delete env[key];
  Object.assign(env, variant.env);
  const child = spawn(process.execPath, args, { cwd: EXAMPLE, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the example exited with ${code} (${variant.key}): ${stderr}`);
  const { totalUs, marks } = JSON.parse(fs.readFileSync(cpuFile, 'utf8'));
  if (marks.length !== REPEATS * TURNS_PER_REPEAT)
    throw new Error(
      `the example printed ${marks.length} user lines, not ${REPEATS * TURNS_PER_REPEAT} (${variant.key}); its stderr: ${stderr.trim() || '(empty)'}`,
    );
  const [from, to] = [marks[1], marks[marks.length - 1]];
  const turns = marks.length - 2;
  if (variant.stores) {
    const BetterSqlite3 = require('better-sqlite3');
    const db = new BetterSqlite3(path.join(dir, 'data', 'performance_metrics.db'), { readonly: true });
    const stored = db.prepare("SELECT count(*) FROM spans WHERE name = 'pipeline.turn'").pluck().get();
    db.close();
    if (stored !== REPEATS * TURNS_PER_REPEAT)
      throw new Error(`the preload stored ${stored} turns of ${REPEATS * TURNS_PER_REPEAT} (${variant.key})`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    cpuMsPerTurn: (to.cpuUs - from.cpuUs) / 1000 / turns,
    wallSPerTurn: (to.ms - from.ms) / 1000 / turns,
    restMs: (totalUs - (to.cpuUs - from.cpuUs)) / 1000,
  };
}

async function main() {
  /** Per variant, each round's run. */
  const runs = Object.fromEntries(VARIANTS.map((v) => [v.key, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const results = await Promise.all(VARIANTS.map(run));
    VARIANTS.forEach((v, i) => runs[v.key].push(results[i]));
  }
  const of = (key, field) => median(runs[key].map((r) => r[field]));
  /** Each round's ratio of a variant's CPU per turn to the app's run beside it. */
  const ratios = (key) => runs[key].map((r, round) => r.cpuMsPerTurn / runs.plain[round].cpuMsPerTurn);
  console.log(
    `examples/livekit-agent, ${REPEATS * TURNS_PER_REPEAT} turns a run (measured: turns 2–${REPEATS * TURNS_PER_REPEAT - 1}), ${ROUNDS} rounds of the ${VARIANTS.length} variants side by side; node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log(`a turn lasts ${of('plain', 'wallSPerTurn').toFixed(1)} s in real time (the plain app's)`);
  console.log('');
  console.log(
    `${''.padEnd(34)}${'CPU ms/turn'.padStart(12)}${'rest, ms'.padStart(10)}${'× app'.padStart(8)}${'rounds'.padStart(12)}   each round`,
  );
  for (const v of VARIANTS) {
    const each =
      v.key === 'plain' ? runs.plain.map((r) => r.cpuMsPerTurn.toFixed(0)) : ratios(v.key).map((r) => r.toFixed(2));
    const sorted = [...ratios(v.key)].sort((a, b) => a - b);
    const range = v.key === 'plain' ? '' : `${sorted[0].toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)}`;
    const ratio = v.key === 'plain' ? '' : `${median(ratios(v.key)).toFixed(3)}`;
    console.log(
      `${v.label.padEnd(34)}${of(v.key, 'cpuMsPerTurn').toFixed(1).padStart(12)}${of(v.key, 'restMs').toFixed(0).padStart(10)}${ratio.padStart(8)}${range.padStart(12)}   ${each.join(' ')}`,
    );
  }
  const ratio = median(ratios('preload'));
  const floor = median(ratios('floor'));
  console.log('');
  console.log(
    `the preload's CPU per turn over any OTel tracing's: ${(median(ratios('preload').map((r, i) => r / ratios('floor')[i])) * 100 - 100).toFixed(1)}% (the floor itself: ${(floor * 100 - 100).toFixed(1)}% over the app's)`,
  );
  console.log(
    `target: CPU per turn under the preload ≤ ${TARGET_RATIO}× the app's own: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'} (${ratio.toFixed(3)}×)`,
  );
  if (process.env.BENCH_STRICT === '1' && ratio > TARGET_RATIO) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
