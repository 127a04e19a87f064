'use strict';
// What the optimizer costs the app it runs in:
//
//   ModelCache hit   `cache.get(key)` of a cached model, against a plain Map lookup wrapped in a
//                    resolved promise (the least a promise-returning cache can cost), with the
//                    metrics SDK registered so the hit counter really records
//   memory round     `optimizeMemoryUsage()` (what automatic optimization runs every interval):
//                    the main-thread pause of its two full GCs (wall, and the process's CPU time,
//                    which a busy machine does not inflate) with a small and a large live heap,
//                    against one V8 minor GC at that heap (what a Node app pays all the time)
//   audio tuning     wall time of `optimizeAudioProcessing` with its defaults (8 candidates), and
//                    whether it picked the cheaper chunk for a workload with a per-chunk overhead
//
// Rounds alternate variants; figures are medians of the rounds.
const os = require('node:os');
const path = require('node:path');
const { metrics } = require('@opentelemetry/api');
const {
  MeterProvider,
  PeriodicExportingMetricReader,
  InMemoryMetricExporter,
  AggregationTemporality,
} = require('@opentelemetry/sdk-metrics');
const { ModelCache, ResourceOptimizer } = require('@transcriber/optimizer');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GETS_PER_ROUND = 200_000;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function timeGets(get) {
  const start = performance.now();
  for (let i = 0; i < GETS_PER_ROUND; i++) await get();
  return ((performance.now() - start) * 1e6) / GETS_PER_ROUND; // ns per get
}

async function cacheHits() {
  const provider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA),
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  metrics.setGlobalMeterProvider(provider);
  const model = Buffer.alloc(1024);
  const map = new Map([['whisper-small', model]]);
  const cache = new ModelCache({ name: 'bench', maxBytes: 2 ** 20 });
  await cache.get('whisper-small', () => model);
  const variants = {
    'Map + Promise.resolve': () => Promise.resolve(map.get('whisper-small')),
    'ModelCache hit': () => cache.get('whisper-small', () => model),
  };
  const samples = { 'Map + Promise.resolve': [], 'ModelCache hit': [] };
  for (let round = 0; round < ROUNDS + 2; round++) {
    const order = round % 2 === 0 ? Object.keys(variants) : Object.keys(variants).reverse();
    for (const name of order) {
      const ns = await timeGets(variants[name]);
      if (round >= 2) samples[name].push(ns); // 2 warm-up rounds
    }
  }
  const base = median(samples['Map + Promise.resolve']);
  const hit = median(samples['ModelCache hit']);
  console.log(
    `ModelCache hit (metrics SDK recording): ${hit.toFixed(0)} ns per get; Map + Promise.resolve: ${base.toFixed(0)} ns; ratio ${(hit / base).toFixed(2)}×`,
  );
  await provider.shutdown();
  metrics.disable();
}

async function memoryRounds(label, liveMb) {
  // Live data the collector must trace: many small objects, like transcripts and session state.
  const live = [];
  for (let i = 0; i < liveMb * 8; i++)
    live.push(Array.from({ length: 1024 }, (_, j) => ({ j, text: `t${j}` })).slice(0, 512));
  const optimizer = new ResourceOptimizer(path.join(os.tmpdir(), 'transcriber-optimizer-bench'));
  const pauses = [];
  const cpu = [];
  const minor = [];
  for (let round = 0; round < 7; round++) {
    const cpuBefore = process.cpuUsage();
    const result = await optimizer.optimizeMemoryUsage({ purge: 'none' });
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    const gc = result.actions.find((a) => a.action === 'gc');
    pauses.push(gc.durationMs);
    const start = performance.now();
    globalThis.gc({ type: 'minor' });
    minor.push(performance.now() - start);
  }
  await optimizer.shutdown();
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    `memory round, ${label} (heap ${heap.toFixed(0)} MiB): main-thread pause of its two full GCs ${median(pauses).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU; one minor GC ${median(minor).toFixed(2)} ms`,
  );
  return live.length;
}

// Per chunk: a fixed 256-point analysis plus work per sample, like a VAD with a model call per chunk.
function vadWithOverhead(chunk) {
  let x = 0;
  for (let k = 0; k < 256; k++) for (let i = 0; i < 256; i++) x += Math.sin(k * i);
  for (let i = 0; i < chunk.length; i++) x += chunk[i] * chunk[i];
  return x;
}

async function audioTuning() {
  const optimizer = new ResourceOptimizer(path.join(os.tmpdir(), 'transcriber-optimizer-bench'));
  const start = performance.now();
  const result = await optimizer.optimizeAudioProcessing(
    { sampleRate: 16000, chunkDurationMs: 10 },
    { workload: vadWithOverhead, latencyBudgetMs: 50 },
  );
  const wall = performance.now() - start;
  await optimizer.shutdown();
  console.log(
    `audio tuning with defaults: ${result.candidates.length} candidates measured in ${(wall / 1000).toFixed(2)} s; ` +
      `10 ms → ${result.settings.chunkDurationMs} ms chunks, ${result.improvement.summary}`,
  );
}

async function main() {
  console.log(
    `optimizer costs, medians of ${ROUNDS} alternating rounds (${os.cpus().length} cores, Node ${process.versions.node})`,
  );
  await cacheHits();
  await memoryRounds('small heap', 8);
  await memoryRounds('large heap', 200);
  await audioTuning();
  console.log(`machine load average at the end: ${os.loadavg()[0].toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
