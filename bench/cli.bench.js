'use strict';
// Whole-process cost of the `transcriber` CLI on a big database, against `transcriber --version`
// (which loads no command and opens no database) measured in the same rounds.
//
// Data: performance_metrics.db with 1,000,000 spans (111,112 nine-span pipeline traces over the
// 50 minutes before the run, so all of them are in `--minutes 60` while it runs; every component, 2% failures), 1,000,000 metric points and a resource snapshot
// per second for two processes. Rows are inserted directly with better-sqlite3 into a database
// created by openDatabaseForWriting + migrationsFor (version 1), then reopened with all migrations,
// which backfills the per-minute span rollup (version 2) exactly as for a user's existing data.
//
// Each round runs every command once, in rotating order (drift on a shared machine hits all of
// them alike); figures are medians over the rounds. Target: `performance --minutes 60` and
// `traces --limit 20` < 2× `--version`. `BENCH_STRICT=1` makes a missed target fail the run.
// `BENCH_KEEP_DATA=1` keeps the data directory (printed) for profiling a command against it; its
// spans are placed before the run, so `--minutes 60` covers them for the next few minutes only.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { openForQuery, summarizeComponents } = require('@transcriber/queries');
const { migrationsFor, openDatabaseForWriting } = require('@transcriber/storage/databases');
const { databasePath } = require('@transcriber/storage/files');

const SPANS = Number(process.env.BENCH_SPANS ?? 1_000_000);
const METRIC_POINTS = Number(process.env.BENCH_METRIC_POINTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const TARGET_RATIO = 2;
const BIN = path.join(__dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const COMPONENTS = ['audio_capture', 'vad', 'stt', 'agent', 'llm', 'tool', 'tts', 'audio_output'];
// Median latency per component, ms (log-normal around it).
const MEDIAN_MS = { audio_capture: 3, vad: 1, stt: 120, agent: 300, llm: 250, tool: 20, tts: 90, audio_output: 200 };

/** A seeded generator, so every run builds the same data. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function hex(next, digits) {
  let out = '';
  while (out.length < digits)
    out += Math.floor(next() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, digits);
}

/**
 * Builds the data directory. With `turnFigures` each turn also carries what a real turn records
 * when it ends (voice-to-voice and its five stages, from its operations' durations), so views
 * that draw turns (`transcriber ui`) read and parse them as they would an agent's.
 */
function buildDataDir(dataDir, options = {}) {
  const file = databasePath(dataDir, 'performance_metrics');
  const migrations = migrationsFor('performance_metrics');
  const db = openDatabaseForWriting(file, migrations.slice(0, 1));
  // Building the data fast; the database keeps its usual settings once reopened.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -200000');
  const resourceId = db
    .prepare("INSERT INTO resources (service_name, attributes) VALUES ('voice-agent', ?) RETURNING id")
    .pluck()
    .get(JSON.stringify({ 'service.name': 'voice-agent', 'process.pid': 4242 }));
  const insertSpan = db.prepare(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, component, operation, start_us, end_us,
       duration_ms, status_code, status_message, error_type, attributes, events, links, scope, resource_id)
     VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, 'transcriber', ?)`,
  );
  const insertPoint = db.prepare(
    `INSERT INTO metric_points (name, unit, kind, component, operation, start_us, time_us, value, count, sum, min, max,
       bucket_bounds, bucket_counts, attributes, scope, resource_id)
     VALUES (?, 's', 'histogram', ?, ?, ?, ?, NULL, ?, ?, ?, ?, '[0.005,0.01,0.025,0.05,0.1,0.25,0.5,1]',
       '[1,2,3,4,5,6,7,8,9]', NULL, 'transcriber', ?)`,
  );
  const insertSnapshot = db.prepare(
    `INSERT INTO resource_snapshots (time_us, pid, cpu_utilization, rss_bytes, heap_used_bytes, heap_total_bytes,
       external_bytes, event_loop_delay_p50_ms, event_loop_delay_p99_ms, event_loop_delay_max_ms,
       system_cpu_utilization, system_memory_used_bytes, system_memory_total_bytes, resource_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0.1, 1.5, 4, 0.4, 8e9, 16e9, ?)`,
  );
  const next = random(1);
  const nowUs = Date.now() * 1000;
  const windowUs = 50 * 60_000_000;
  const startedUs = nowUs - windowUs;
  const traces = Math.ceil(SPANS / 9);
  const insertTraces = db.transaction((from, to) => {
    for (let t = from; t < to; t++) {
      const traceId = hex(next, 32);
      const rootId = hex(next, 16);
      let at = startedUs + Math.floor((t / traces) * (windowUs - 5_000_000));
      const turnStart = at;
      let children = 0;
      const msOf = {};
      for (const component of COMPONENTS) {
        if (t * 9 + children + 1 >= SPANS) break;
        const ms = MEDIAN_MS[component] * Math.exp((next() - 0.5) * 1.6);
        msOf[component] = ms;
        const failed = next() < 0.02;
        insertSpan.run(
          traceId,
          hex(next, 16),
          rootId,
          `${component}.op`,
          component,
          'op',
          at,
          at + Math.round(ms * 1000),
          ms,
          failed ? 2 : 0,
          failed ? 'TimeoutError' : null,
          '{"gen_ai.request.model":"m"}',
          resourceId,
        );
        at += Math.round(ms * 1000);
        children += 1;
      }
      const turnMs = (at - turnStart) / 1000;
      insertSpan.run(
        traceId,
        rootId,
        null,
        'pipeline.turn',
        'pipeline',
        'turn',
        turnStart,
        at,
        turnMs,
        0,
        null,
        options.turnFigures === true ? turnFiguresJson(msOf) : null,
        resourceId,
      );
    }
  });
  const insertPoints = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const component = COMPONENTS[i % COMPONENTS.length];
      const timeUs = startedUs + Math.floor((i / METRIC_POINTS) * windowUs);
      insertPoint.run(
        'transcriber.operation.duration',
        component,
        'op',
        startedUs,
        timeUs,
        10,
        1.5,
        0.01,
        0.4,
        resourceId,
      );
    }
  });
  const insertSnapshots = db.transaction(() => {
    for (let s = 0; s < 3600; s++) {
      for (const pid of [4242, 4343]) {
        const rss = 200e6 + s * 5000 + (pid === 4343 ? 1e8 : 0);
        insertSnapshot.run(nowUs - windowUs + s * 1_000_000, pid, 0.3, rss, rss / 4, rss / 3, 2e6, resourceId);
      }
    }
  });
  const started = performance.now();
  for (let t = 0; t < traces; t += 10_000) insertTraces(t, Math.min(traces, t + 10_000));
  for (let i = 0; i < METRIC_POINTS; i += 50_000) insertPoints(i, Math.min(METRIC_POINTS, i + 50_000));
  insertSnapshots();
  const spans = db.prepare('SELECT count(*) FROM spans').pluck().get();
  db.close();
  const inserted = performance.now();
  // Reopening with every migration backfills the rollup, as it would for data written before it.
  openDatabaseForWriting(file, migrations).close();
  const migrated = performance.now();
  return { spans, insertMs: inserted - started, backfillMs: migrated - inserted };
}

function run(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`transcriber ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-cli-bench-'));
  try {
    const built = buildDataDir(dataDir);
    console.log(
      `data: ${built.spans.toLocaleString('en-US')} spans + ${METRIC_POINTS.toLocaleString('en-US')} metric points inserted in ${(built.insertMs / 1000).toFixed(1)} s; ` +
        `rollup backfill (migration 2) ${(built.backfillMs / 1000).toFixed(1)} s; file ${(fs.statSync(databasePath(dataDir, 'performance_metrics')).size / 2 ** 20).toFixed(0)} MiB`,
    );

    // The answer must be right, not just fast: every span of the hour is counted.
    const json = JSON.parse(run(['--data-dir', dataDir, '--json', 'performance', '--minutes', '60']).stdout);
    const counted = json.components.reduce((n, c) => n + c.count, 0);
    if (counted !== built.spans)
      throw new Error(`performance counted ${counted} spans, the database holds ${built.spans}`);

    // Accuracy of the rollup's percentiles against the exact ones, in-process.
    const db = openForQuery(dataDir, 'performance_metrics');
    const window = { sinceUs: (Date.now() - 3_600_000) * 1000 };
    let t = performance.now();
    const exact = summarizeComponents(db, { ...window, exactLimit: Infinity });
    const exactMs = performance.now() - t;
    t = performance.now();
    const rolled = summarizeComponents(db, window);
    const rolledMs = performance.now() - t;
    db.close();
    let worst = 0;
    for (const r of rolled) {
      const e = exact.find((x) => x.component === r.component);
      for (const q of ['p50Ms', 'p95Ms', 'p99Ms']) worst = Math.max(worst, Math.abs(r[q] / e[q] - 1));
    }
    console.log(
      `summarizeComponents, 60 min: exact ${exactMs.toFixed(0)} ms, rollup ${rolledMs.toFixed(1)} ms ` +
        `(${(exactMs / rolledMs).toFixed(0)}× faster); worst percentile difference ${(worst * 100).toFixed(2)}%`,
    );

    const commands = {
      '--version': ['--version'],
      'performance --minutes 60': ['--data-dir', dataDir, 'performance', '--minutes', '60'],
      'traces --limit 20': ['--data-dir', dataDir, 'traces', '--limit', '20'],
      'traces --slowest --limit 20': ['--data-dir', dataDir, 'traces', '--slowest', '--limit', '20'],
      'performance --component memory --minutes 60': [
        '--data-dir',
        dataDir,
        'performance',
        '--component',
        'memory',
        '--minutes',
        '60',
      ],
    };
    const names = Object.keys(commands);
    const times = Object.fromEntries(names.map((n) => [n, []]));
    run(['--version']); // warm the file cache for node and the CLI
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length];
        times[name].push(run(commands[name]).ms);
      }
    }
    const baseline = median(times['--version']);
    const rows = [['command', 'median ms', 'min ms', '× --version', 'target']];
    const missed = [];
    for (const name of names) {
      const m = median(times[name]);
      const ratio = m / baseline;
      const targeted = name === 'performance --minutes 60' || name === 'traces --limit 20';
      if (targeted && ratio >= TARGET_RATIO) missed.push(name);
      rows.push([
        name,
        m.toFixed(0),
        Math.min(...times[name]).toFixed(0),
        ratio.toFixed(2),
        targeted ? `< ${TARGET_RATIO}` : '',
      ]);
    }
    const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
    console.log(`\nwhole processes, median of ${ROUNDS} rounds:`);
    for (const row of rows)
      console.log(
        row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  '),
      );
    console.log(missed.length === 0 ? '\ntargets met' : `\ntarget missed: ${missed.join(', ')}`);
    if (missed.length > 0 && process.env.BENCH_STRICT === '1') process.exitCode = 1;
  } finally {
    if (process.env.BENCH_KEEP_DATA) console.log(`data kept in ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
/** A turn's attributes as TurnHandle writes them (seconds): its stages from its operations' times. */
function turnFiguresJson(msOf) {
  const stages = {
    endpointing: msOf.vad ?? 0,
    transcription: msOf.stt ?? 0,
    agent: (msOf.agent ?? 0) + (msOf.llm ?? 0) / 10,
    tts: (msOf.tts ?? 0) / 4,
    playout: (msOf.audio_output ?? 0) / 20,
  };
  const attributes = {};
  let total = 0;
  for (const [stage, ms] of Object.entries(stages)) {
    attributes[`transcriber.turn.${stage}.duration`] = ms / 1000;
    total += ms;
  }
  attributes['transcriber.turn.voice_to_voice.duration'] = total / 1000;
  attributes['transcriber.turn.interruptions'] = 0;
  return JSON.stringify(attributes);
}

module.exports = { buildDataDir };
