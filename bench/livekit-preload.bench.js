'use strict';
// The preload's CPU per turn on a real LiveKit Agents app, in one run: examples/livekit-agent (the
// real @livekit/agents, its test STT and LLM, WebRTC VAD, espeak-ng, real-time audio in and out),
// run as it is and under `node --require @transcriber/node/register`, each for R1 and R2 times its
// 4-exchange script (BENCH_REPEATS, default 1,3), alternating, BENCH_ROUNDS times (default 2).
// Measured: the process's CPU time (user + system, all its threads: process.cpuUsage at exit,
// written by bench/helpers/cpuAtExit.js, preloaded in every run), not wall time (the script runs
// in real time). Per turn = the slope between the two lengths: (CPU(R2) − CPU(R1)) ÷ the turns
// between them, so what every run pays once (start-up, loading the SDK) is apart, reported as the
// intercept. Target: the preload's CPU per turn ≤ 1.03× the app's own. BENCH_STRICT=1 fails the run
// on a missed target. A third variant, the preload with resource monitoring off
// (TRANSCRIBER_PERF_ENABLE_MONITORING=false), tells what the turns and their operations cost apart
// from monitoring's fixed cost per second (its samples and event-loop delay timers), which a turn
// pays for as long as it lasts in real time.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const EXAMPLE = path.resolve(__dirname, '..', 'examples', 'livekit-agent');
const CPU_AT_EXIT = path.join(__dirname, 'helpers', 'cpuAtExit.js');
const [R1, R2] = (process.env.BENCH_REPEATS ?? '1,3').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const TURNS_PER_REPEAT = 4;
const TARGET_RATIO = 1.03;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One run of the example: its CPU seconds, and the turns the preload stored (when preloaded). */
async function run(what, repeat) {
  const preloaded = what !== 'plain';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-bench-livekit-'));
  const cpuFile = path.join(dir, 'cpu.json');
  const args = ['--require', CPU_AT_EXIT];
  if (preloaded) args.push('--require', '@transcriber/node/register');
  args.push('dist/main.js', '--repeat', String(repeat), '--quiet');
  const env = { ...process.env, BENCH_CPU_FILE: cpuFile, TRANSCRIBER_PERF_DATA_DIR: path.join(dir, 'data') };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') || key === 'NODE_OPTIONS') delete env[key];
  if (what === 'unmonitored') env.TRANSCRIBER_PERF_ENABLE_MONITORING = 'false';
  const startedMs = performance.now();
  const child = spawn(process.execPath, args, { cwd: EXAMPLE, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the example exited with ${code}: ${stderr}`);
  const wallMs = performance.now() - startedMs;
  const { userUs, systemUs } = JSON.parse(fs.readFileSync(cpuFile, 'utf8'));
  let turns;
  if (preloaded) {
    const BetterSqlite3 = require('better-sqlite3');
    const db = new BetterSqlite3(path.join(dir, 'data', 'performance_metrics.db'), { readonly: true });
    turns = db.prepare("SELECT count(*) FROM spans WHERE name = 'pipeline.turn'").pluck().get();
    db.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { cpu: (userUs + systemUs) / 1e6, wallMs, turns };
}

async function main() {
  const variants = ['plain', 'preload', 'unmonitored'];
  const cpu = Object.fromEntries(variants.map((what) => [what, { [R1]: [], [R2]: [] }]));
  const wall = { [R1]: [], [R2]: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Each round in another order, so no variant always runs first (or after the same one).
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const repeat of [R1, R2]) {
      for (const what of order) {
        const result = await run(what, repeat);
        if (what !== 'plain' && result.turns !== repeat * TURNS_PER_REPEAT)
          throw new Error(`the preload stored ${result.turns} turns of ${repeat * TURNS_PER_REPEAT}`);
        cpu[what][repeat].push(result.cpu);
        if (what === 'plain') wall[repeat].push(result.wallMs);
      }
    }
  }
  const turnsBetween = (R2 - R1) * TURNS_PER_REPEAT;
  const perTurn = (what) => (median(cpu[what][R2]) - median(cpu[what][R1])) / turnsBetween;
  const intercept = (what) => median(cpu[what][R1]) - perTurn(what) * R1 * TURNS_PER_REPEAT;
  console.log(
    `examples/livekit-agent, ${R1 * TURNS_PER_REPEAT} and ${R2 * TURNS_PER_REPEAT} turns, ${ROUNDS} rounds (median); node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  const wallPerTurnS = (median(wall[R2]) - median(wall[R1])) / turnsBetween / 1000;
  console.log(`a turn lasts ${wallPerTurnS.toFixed(1)} s in real time (the plain app's wall time per turn)`);
  console.log('');
  console.log(`${''.padEnd(34)}${'CPU ms/turn'.padStart(12)}${'once, ms'.padStart(10)}${'ratio'.padStart(8)}`);
  for (const [label, what] of [
    ['the app as it is', 'plain'],
    ['under the preload', 'preload'],
    ['under the preload, no monitoring', 'unmonitored'],
  ]) {
    const ratio = what === 'plain' ? '' : `${(perTurn(what) / perTurn('plain')).toFixed(3)}×`;
    console.log(
      `${label.padEnd(34)}${(perTurn(what) * 1000).toFixed(1).padStart(12)}${(intercept(what) * 1000).toFixed(0).padStart(10)}${ratio.padStart(8)}`,
    );
  }
  const ratio = perTurn('preload') / perTurn('plain');
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
