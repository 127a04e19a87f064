'use strict';
// The preload's CPU per turn on a real LiveKit Agents app: examples/livekit-agent (the real
// @livekit/agents, its test STT and LLM, WebRTC VAD, espeak-ng, real-time audio in and out), run as
// it is and under `node --require @transcriber/node/register`, BENCH_REPEATS times its 4-exchange
// script (default 3: 12 turns), the variants alternating, BENCH_ROUNDS times (default 3).
// Measured: the process's CPU time (user + system, all its threads: process.cpuUsage), not wall
// time (the script runs in real time), between the user's second line and its last in the same
// run (bench/helpers/cpuAtLines.js, preloaded in every run, reads it as each line is printed): so
// start-up, the first turn's warm-up and the exit are apart, reported as the rest of the run.
// (Measured before as the slope between runs of two lengths, the start-up's spread, ±600 ms of
// CPU a run, swamped the turns'.) Target: the preload's CPU per turn ≤ 1.03× the app's own.
// BENCH_STRICT=1 fails the run on a missed target. A third variant, the preload with resource
// monitoring off (TRANSCRIBER_PERF_ENABLE_MONITORING=false), tells what the turns and their
// operations cost apart from monitoring's fixed cost per second (its samples and event-loop delay
// timer), which a turn pays for as long as it lasts in real time.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'livekit-agent');
const CPU_AT_LINES = path.join(__dirname, 'helpers', 'cpuAtLines.js');
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TURNS_PER_REPEAT = 4;
const TARGET_RATIO = 1.03;
/** How the example starts the line of each user message it prints (one an exchange). */
const USER_LINE = 'user ';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * One run of the example: its CPU ms per turn and wall s per turn (between the user's second line
 * and its last), its CPU ms outside those turns, and the turns the preload stored (when preloaded).
 */
async function run(what) {
  const preloaded = what !== 'plain';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-bench-livekit-'));
  const cpuFile = path.join(dir, 'cpu.json');
  const args = ['--require', CPU_AT_LINES];
  if (preloaded) args.push('--require', '@transcriber/node/register');
  args.push('dist/main.js', '--repeat', String(REPEATS));
  const env = {
    ...process.env,
    BENCH_CPU_FILE: cpuFile,
    BENCH_CPU_MARK: USER_LINE,
    TRANSCRIBER_PERF_DATA_DIR: path.join(dir, 'data'),
  };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') || key === 'NODE_OPTIONS') delete env[key];
  if (what === 'unmonitored') env.TRANSCRIBER_PERF_ENABLE_MONITORING = 'false';
  const child = spawn(process.execPath, args, { cwd: EXAMPLE, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the example exited with ${code}: ${stderr}`);
  const { totalUs, marks } = JSON.parse(fs.readFileSync(cpuFile, 'utf8'));
  if (marks.length !== REPEATS * TURNS_PER_REPEAT)
    throw new Error(
      `the example printed ${marks.length} user lines, not ${REPEATS * TURNS_PER_REPEAT} (${what}); its stderr: ${stderr.trim() || '(empty)'}`,
    );
  const [from, to] = [marks[1], marks[marks.length - 1]];
  const turns = marks.length - 2;
  let stored;
  if (preloaded) {
    const BetterSqlite3 = require('better-sqlite3');
    const db = new BetterSqlite3(path.join(dir, 'data', 'performance_metrics.db'), { readonly: true });
    stored = db.prepare("SELECT count(*) FROM spans WHERE name = 'pipeline.turn'").pluck().get();
    db.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    cpuMsPerTurn: (to.cpuUs - from.cpuUs) / 1000 / turns,
    wallSPerTurn: (to.ms - from.ms) / 1000 / turns,
    restMs: (totalUs - (to.cpuUs - from.cpuUs)) / 1000,
    stored,
  };
}

async function main() {
  const variants = ['plain', 'preload', 'unmonitored'];
  const runs = Object.fromEntries(variants.map((what) => [what, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Each round in another order, so no variant always runs first (or after the same one).
    for (const what of variants.map((_, i) => variants[(i + round) % variants.length])) {
      const result = await run(what);
      if (what !== 'plain' && result.stored !== REPEATS * TURNS_PER_REPEAT)
        throw new Error(`the preload stored ${result.stored} turns of ${REPEATS * TURNS_PER_REPEAT}`);
      runs[what].push(result);
    }
  }
  const of = (what, key) => median(runs[what].map((r) => r[key]));
  console.log(
    `examples/livekit-agent, ${REPEATS * TURNS_PER_REPEAT} turns a run (measured: turns 2–${REPEATS * TURNS_PER_REPEAT - 1}), ${ROUNDS} rounds (median); node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log(`a turn lasts ${of('plain', 'wallSPerTurn').toFixed(1)} s in real time (the plain app's)`);
  console.log('');
  console.log(
    `${''.padEnd(34)}${'CPU ms/turn'.padStart(12)}${'runs'.padStart(24)}${'rest, ms'.padStart(10)}${'ratio'.padStart(8)}`,
  );
  for (const [label, what] of [
    ['the app as it is', 'plain'],
    ['under the preload', 'preload'],
    ['under the preload, no monitoring', 'unmonitored'],
  ]) {
    const ratio = what === 'plain' ? '' : `${(of(what, 'cpuMsPerTurn') / of('plain', 'cpuMsPerTurn')).toFixed(3)}×`;
    const each = runs[what].map((r) => r.cpuMsPerTurn.toFixed(0)).join(' ');
    console.log(
      `${label.padEnd(34)}${of(what, 'cpuMsPerTurn').toFixed(1).padStart(12)}${each.padStart(24)}${of(what, 'restMs').toFixed(0).padStart(10)}${ratio.padStart(8)}`,
    );
  }
  const ratio = of('preload', 'cpuMsPerTurn') / of('plain', 'cpuMsPerTurn');
  console.log('');
  console.log(
    `target: CPU per turn under the preload ≤ ${TARGET_RATIO}× the app's own: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'} (${ratio.toFixed(3)}×)`,
  );
  if (process.env.BENCH_STRICT === '1' && ratio > TARGET_RATIO) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
