'use strict';
// The SQLite span exporter under a real SDK (NodeTracerProvider with the TimeOrderedIdGenerator
// startTelemetry gives its provider, BatchSpanProcessor with maxExportBatchSize 512), spans made by
// `timeOperation` as an app makes them.
//
// (a) Throughput: N operations end to end (timeOperation → span processor → exporter → rows in
//     performance_metrics.db), timed until the provider's and the exporter's forceFlush resolve.
//     Beside it, in the same run: the exporter alone on the same spans made beforehand, and raw
//     better-sqlite3 inserting the same rows (read back from the exporter's table) into an
//     identical table (same migrations), 512 rows per transaction: the floor SQLite itself sets.
//     Target: ≥ 100,000 spans/s written by the exporter (the exporter-alone row).
// (b) Stall: a steady 10,000 operations/s (a 1 ms timer making 10 per tick, catching up on late
//     ticks) for a few seconds, longest event-loop delay (monitorEventLoopDelay, 1 ms resolution)
//     with our exporter, and with a no-op exporter behind the same processor (the baseline: the
//     SDK, timers and GC alone). Target: our exporter adds no stall over 5 ms, i.e. its max delay
//     stays ≤ 5 ms, or within 5 ms of the baseline's on a machine whose baseline is already higher.
//
// On a shared machine wall-clock rates fall with the CPU other processes take, so the run first
// measures the share of a core this process gets, and the throughput table also gives spans per
// CPU-second of this process (all its threads), which load changes far less.
//
// `BENCH_STRICT=1` makes a missed target fail the run.
const { trace } = require('@opentelemetry/api');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const {
  BatchSpanProcessor,
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} = require('@opentelemetry/sdk-trace-node');
const BetterSqlite3 = require('better-sqlite3');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { ComponentType, timeOperation } = require('@transcriber/instrumentation');
const { SqliteSpanExporter, TimeOrderedIdGenerator } = require('@transcriber/storage');
const { migrationsFor, openDatabaseForWriting } = require('@transcriber/storage/databases');
const { databasePath } = require('@transcriber/storage/files');

const N = Number(process.env.BENCH_SPANS ?? 200_000);
const STALL_RATE = 10_000; // operations per second
const STALL_SECONDS = Number(process.env.BENCH_STALL_SECONDS ?? 5);
const STALL_WARMUP_MS = 1_000;
const TARGET_SPANS_PER_S = 100_000;
const TARGET_STALL_MS = 5;
const RAW_BATCH = 512;
// Yield to the event loop every CHUNK operations, as an app's work does, so the processor exports
// while spans are being made.
const CHUNK = 1_000;

const COMPONENTS = [ComponentType.VAD, ComponentType.STT, ComponentType.LLM, ComponentType.TTS];
const OPERATIONS = ['detect', 'transcribe', 'complete', 'synthesize'];
const RESOURCE = resourceFromAttributes({
  'service.name': 'voice-agent-bench',
  'service.version': '1.0.0',
  'process.pid': process.pid,
  'host.name': os.hostname(),
  'process.runtime.name': 'nodejs',
  'process.runtime.version': process.versions.node,
});

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-bench-sqlite-'));
let dirs = 0;
const newDataDir = () => path.join(tmpRoot, `data-${dirs++}`);
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** The share of one core this process gets right now: CPU time over wall time of a busy loop. */
function cpuShare(ms = 300) {
  const cpu0 = cpuSeconds();
  const start = performance.now();
  while (performance.now() - start < ms) {
    // spin
  }
  return (cpuSeconds() - cpu0) / ((performance.now() - start) / 1000);
}

/** One operation as an app records it: a span with component and operation, an attribute, sometimes a mark. */
function operation(i) {
  const k = i & 3;
  timeOperation(COMPONENTS[k], OPERATIONS[k], (op) => {
    op.span.setAttribute('bench.frame', i);
    if (i % 10 === 0) op.mark('first_token');
  });
}

function startProvider(exporter, processorOptions = {}) {
  const provider = new NodeTracerProvider({
    resource: RESOURCE,
    idGenerator: new TimeOrderedIdGenerator(),
    spanProcessors: [
      new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, maxQueueSize: 1_000_000, ...processorOptions }),
    ],
  });
  provider.register();
  return provider;
}

async function stopProvider(provider) {
  await provider.shutdown();
  trace.disable();
}

function countSpans(dataDir) {
  const db = new BetterSqlite3(databasePath(dataDir, 'performance_metrics'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM spans').pluck().get();
  } finally {
    db.close();
  }
}

// --- (a) throughput ------------------------------------------------------------------------------

// The writer keeps at most 100,000 rows waiting by default and drops the oldest beyond (an app
// making spans faster than the disk takes them must not grow without bound). Making N spans as
// fast as possible is such an overload, so the throughput runs let the queue hold all of them.
const BULK_OPTIONS = { maxPendingRows: N + 1 };

async function endToEnd() {
  const dataDir = newDataDir();
  const exporter = new SqliteSpanExporter({ dataDir, ...BULK_OPTIONS });
  const provider = startProvider(exporter);
  operation(0); // open the database (created, migrated) outside the timing
  await provider.forceFlush();
  await exporter.forceFlush();
  const cpu0 = cpuSeconds();
  const start = performance.now();
  for (let i = 1; i <= N;) {
    const end = Math.min(N, i + CHUNK - 1);
    for (; i <= end; i++) operation(i);
    await yieldToLoop();
  }
  await provider.forceFlush();
  await exporter.forceFlush();
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds() - cpu0;
  await stopProvider(provider);
  const written = countSpans(dataDir);
  if (written !== N + 1) throw new Error(`end to end: ${written} spans written, expected ${N + 1}`);
  return { spansPerS: N / seconds, spansPerCpuS: N / cpu, seconds, dataDir };
}

/** The exporter alone: spans made beforehand, handed over in batches of 512 as the processor does. */
async function exporterOnly() {
  const collector = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    resource: RESOURCE,
    idGenerator: new TimeOrderedIdGenerator(),
    spanProcessors: [new SimpleSpanProcessor(collector)],
  });
  provider.register();
  // One more than N: the first opens the database outside the timing. (Sending it again with the
  // rest would store it once: one row per trace and span id.)
  for (let i = 0; i <= N; i++) operation(i);
  const spans = collector.getFinishedSpans();
  await stopProvider(provider);
  const dataDir = newDataDir();
  const exporter = new SqliteSpanExporter({ dataDir, ...BULK_OPTIONS });
  exporter.export(spans.slice(0, 1), () => {});
  await exporter.forceFlush(); // open outside the timing
  const cpu0 = cpuSeconds();
  const start = performance.now();
  for (let i = 1; i < spans.length; i += 512) {
    exporter.export(spans.slice(i, i + 512), () => {});
    await yieldToLoop();
  }
  await exporter.forceFlush();
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds() - cpu0;
  await exporter.shutdown();
  const written = countSpans(dataDir);
  if (written !== N + 1) throw new Error(`exporter only: ${written} spans written, expected ${N + 1}`);
  return { spansPerS: N / seconds, spansPerCpuS: N / cpu, seconds };
}

/**
 * better-sqlite3 inserting the rows the exporter wrote into an identical, freshly migrated table
 * (optionally without some of its indexes, to show what they cost).
 */
function rawInsert(fromDataDir, dropIndexes = []) {
  const source = new BetterSqlite3(databasePath(fromDataDir, 'performance_metrics'), { readonly: true });
  const columns = source
    .prepare('SELECT name FROM pragma_table_info(?)')
    .pluck()
    .all('spans')
    .filter((c) => c !== 'id');
  const rows = source
    .prepare(`SELECT ${columns.join(', ')} FROM spans ORDER BY id LIMIT ? OFFSET 1`)
    .raw()
    .all(N);
  const resources = source.prepare('SELECT id, service_name, attributes FROM resources').raw().all();
  source.close();

  const db = openDatabaseForWriting(
    databasePath(newDataDir(), 'performance_metrics'),
    migrationsFor('performance_metrics'),
  );
  for (const index of dropIndexes) db.exec(`DROP INDEX ${index}`);
  const insertResource = db.prepare('INSERT INTO resources (id, service_name, attributes) VALUES (?, ?, ?)');
  for (const r of resources) insertResource.run(...r);
  const insert = db.prepare(`INSERT INTO spans (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const batch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) insert.run(rows[i]);
  });
  const cpu0 = cpuSeconds();
  const start = performance.now();
  for (let i = 0; i < rows.length; i += RAW_BATCH) batch(i, Math.min(rows.length, i + RAW_BATCH));
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds() - cpu0;
  db.close();
  return { spansPerS: rows.length / seconds, spansPerCpuS: rows.length / cpu, seconds };
}

// --- (b) stall ------------------------------------------------------------------------------------

let discarded = 0;
const noopExporter = {
  export(spans, resultCallback) {
    discarded += spans.length;
    resultCallback({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

/** Longest event-loop delay at a steady STALL_RATE operations per second through `exporter`. */
async function steadyLoad(exporter) {
  globalThis.gc?.(); // garbage of earlier phases must not be collected inside this one
  const provider = startProvider(exporter);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let made = 0;
  const perMs = STALL_RATE / 1000;
  const started = performance.now();
  const totalMs = STALL_WARMUP_MS + STALL_SECONDS * 1000;
  let measuring = false;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      // Catch up on late ticks so the rate is exactly STALL_RATE, not the timer's own rate.
      const due = Math.min(Math.floor(Math.min(elapsed, totalMs) * perMs), Math.round(totalMs * perMs));
      while (made < due) operation(made++);
      if (!measuring && elapsed >= STALL_WARMUP_MS) {
        measuring = true; // the database is open and the JIT warm: measure from here
        delay.enable();
      }
      if (elapsed >= totalMs) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  delay.disable();
  await provider.forceFlush();
  await exporter.forceFlush();
  await stopProvider(provider);
  return {
    made,
    rate: made / (totalMs / 1000),
    maxMs: delay.max / 1e6,
    p99Ms: delay.percentile(99) / 1e6,
    p50Ms: delay.percentile(50) / 1e6,
  };
}

async function stall() {
  // Baseline first, then ours, then the baseline again: load on a shared machine comes and goes,
  // and two baselines bracket the run that matters.
  const before = await steadyLoad(noopExporter);
  const dataDir = newDataDir();
  const ours = await steadyLoad(new SqliteSpanExporter({ dataDir }));
  const after = await steadyLoad(noopExporter);
  const written = countSpans(dataDir);
  if (written !== ours.made) throw new Error(`steady load: ${written} spans written, expected ${ours.made}`);
  if (discarded !== before.made + after.made) throw new Error('the no-op exporter lost spans');
  const baseline = before.maxMs <= after.maxMs ? before : after;
  return { baseline, ours };
}

// --- report ----------------------------------------------------------------------------------------

function printTable(rows) {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => String(row[col]).length)));
  for (const row of rows) console.log(row.map((cell, col) => String(cell).padStart(widths[col])).join('  '));
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function main() {
  const share = cpuShare();
  console.log(
    `SQLite span exporter, Node ${process.version}, ${fmt(N)} spans; ` +
      `this process gets ${(share * 100).toFixed(0)}% of a core${share < 0.9 ? ' (a busy machine: wall-clock rates understate)' : ''}`,
  );
  const e2e = await endToEnd();
  const alone = await exporterOnly();
  const raw = rawInsert(e2e.dataDir);
  // What the trace-id index costs, with the time-ordered ids the rows carry.
  const rawLight = rawInsert(e2e.dataDir, ['spans_trace']);
  console.log('\n(a) throughput');
  const row = (name, r) => [
    name,
    fmt(r.spansPerS),
    fmt(r.spansPerCpuS),
    r.seconds.toFixed(2),
    `${(r.spansPerS / raw.spansPerS).toFixed(2)}×`,
    `${(r.spansPerCpuS / raw.spansPerCpuS).toFixed(2)}×`,
  ];
  printTable([
    ['path', 'spans/s', 'spans/CPU-s', 'seconds', 'vs raw', 'vs raw (CPU)'],
    row('timeOperation → BatchSpanProcessor → exporter → rows', e2e),
    row('exporter alone (spans made beforehand)', alone),
    row(`raw better-sqlite3 insert, same rows (${RAW_BATCH}/transaction)`, raw),
    row('  the same without the spans_trace index', rawLight),
  ]);

  const { baseline, ours } = await stall();
  console.log(`\n(b) event-loop delay at ${fmt(STALL_RATE)} spans/s for ${STALL_SECONDS} s`);
  printTable([
    ['exporter', 'spans/s', 'max ms', 'p99 ms', 'p50 ms'],
    [
      'no-op (baseline)',
      fmt(baseline.rate),
      baseline.maxMs.toFixed(2),
      baseline.p99Ms.toFixed(2),
      baseline.p50Ms.toFixed(2),
    ],
    ['SQLite', fmt(ours.rate), ours.maxMs.toFixed(2), ours.p99Ms.toFixed(2), ours.p50Ms.toFixed(2)],
  ]);

  console.log(`\nshare of a core at the end: ${(cpuShare() * 100).toFixed(0)}%`);
  // The target is the spans/s the exporter writes: the exporter-alone row. End to end adds
  // the SDK making the spans (~4 µs each, see time-operation.bench.js), printed beside it.
  const throughputMet = alone.spansPerS >= TARGET_SPANS_PER_S;
  const stallMet = ours.maxMs <= Math.max(TARGET_STALL_MS, baseline.maxMs + TARGET_STALL_MS);
  console.log(
    `target ≥ ${fmt(TARGET_SPANS_PER_S)} spans/s written by the exporter: ${throughputMet ? 'met' : 'missed'} ` +
      `(${fmt(alone.spansPerS)}; end to end ${fmt(e2e.spansPerS)}); ` +
      `target no stall over ${TARGET_STALL_MS} ms: ${stallMet ? 'met' : 'missed'}`,
  );
  if ((!throughputMet || !stallMet) && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
