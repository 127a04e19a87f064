'use strict';
// What the order of trace ids costs SQLite: raw better-sqlite3 inserts of span rows into
// performance_metrics.db at the current schema (its `spans_trace (trace_id)` index included), 512
// rows per transaction, with
//   - random trace ids (the OTel SDK's default RandomIdGenerator): the baseline,
//   - time-ordered trace ids (TimeOrderedIdGenerator, which startTelemetry's tracer provider uses),
//   - no trace-id index at all (the floor: what the other indexes and the table cost).
// Each span is its own trace (as the exporter benchmark's root operations are), ids made by the real
// generators as the rows are built. Rounds rotate the variants (drift on a shared machine hits all of
// them alike); figures are medians, also per CPU-second of this process, which load changes less.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { RandomIdGenerator } = require('@opentelemetry/sdk-trace-base');
const { TimeOrderedIdGenerator } = require('@transcriber/storage');
const { migrationsFor, openDatabaseForWriting } = require('@transcriber/storage/databases');
const { databasePath } = require('@transcriber/storage/files');

const N = Number(process.env.BENCH_SPANS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 512;
const COMPONENTS = ['vad', 'stt', 'llm', 'tts'];
const OPERATIONS = ['detect', 'transcribe', 'complete', 'synthesize'];

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-bench-trace-ids-'));
let dirs = 0;
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** N span rows as the exporter writes them, trace ids from `ids`, times 100 µs apart. */
function makeRows(ids) {
  const rows = new Array(N);
  const startUs = Date.now() * 1000;
  for (let i = 0; i < N; i++) {
    const c = i % COMPONENTS.length;
    const durationMs = 1 + (i % 97) / 7;
    const start = startUs + i * 100;
    rows[i] = [
      ids.generateTraceId(),
      ids.generateSpanId(),
      null,
      `${COMPONENTS[c]}.${OPERATIONS[c]}`,
      0,
      COMPONENTS[c],
      OPERATIONS[c],
      start,
      start + Math.round(durationMs * 1000),
      durationMs,
      0,
      null,
      null,
      `{"transcriber.stt.audio.duration":1.5,"gen_ai.request.model":"model-${i % 3}"}`,
      null,
      null,
      '@transcriber/instrumentation',
      1,
    ];
  }
  return rows;
}

/** Inserts the rows into a fresh, fully migrated performance_metrics.db; rows per second. */
function insert(rows, dropTraceIndex) {
  const db = openDatabaseForWriting(
    databasePath(path.join(tmpRoot, `data-${dirs++}`), 'performance_metrics'),
    migrationsFor('performance_metrics'),
  );
  if (dropTraceIndex) db.exec('DROP INDEX spans_trace');
  db.prepare("INSERT INTO resources (id, service_name, attributes) VALUES (1, 'bench', '{}')").run();
  const statement = db.prepare(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, name, kind, component, operation, start_us, end_us,
       duration_ms, status_code, status_message, error_type, attributes, events, links, scope, resource_id)
     VALUES (${new Array(18).fill('?').join(', ')})`,
  );
  const batch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) statement.run(rows[i]);
  });
  const cpu0 = cpuSeconds();
  const start = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) batch(i, Math.min(rows.length, i + BATCH));
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds() - cpu0;
  db.close();
  return { perS: rows.length / seconds, perCpuS: rows.length / cpu };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

function main() {
  const variants = [
    { name: 'random trace ids (SDK default) — baseline', rows: makeRows(new RandomIdGenerator()), drop: false },
    {
      name: 'time-ordered trace ids (TimeOrderedIdGenerator)',
      rows: makeRows(new TimeOrderedIdGenerator()),
      drop: false,
    },
    { name: 'no spans_trace index (floor)', rows: makeRows(new RandomIdGenerator()), drop: true },
  ];
  const results = variants.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (round + k) % variants.length;
      globalThis.gc?.();
      results[v].push(insert(variants[v].rows, variants[v].drop));
    }
  }
  console.log(
    `raw better-sqlite3 inserts into performance_metrics.db (schema v${migrationsFor('performance_metrics').length}), ` +
      `${fmt(N)} rows, ${BATCH} per transaction, median of ${ROUNDS} rounds, Node ${process.version}\n`,
  );
  const baseline = median(results[0].map((r) => r.perS));
  const baselineCpu = median(results[0].map((r) => r.perCpuS));
  const table = [['trace ids', 'rows/s', 'rows/CPU-s', 'vs random', 'vs random (CPU)']];
  variants.forEach((v, i) => {
    const perS = median(results[i].map((r) => r.perS));
    const perCpuS = median(results[i].map((r) => r.perCpuS));
    table.push([
      v.name,
      fmt(perS),
      fmt(perCpuS),
      `${(perS / baseline).toFixed(2)}×`,
      `${(perCpuS / baselineCpu).toFixed(2)}×`,
    ]);
  });
  const widths = table[0].map((_, col) => Math.max(...table.map((r) => r[col].length)));
  for (const row of table)
    console.log(row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  '));
}

try {
  main();
} finally {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
}
