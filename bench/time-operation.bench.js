'use strict';
// Per-operation cost of `timeOperation(component, operation, fn)` against the same work done by
// hand with the OTel API (startActiveSpan + end + histogram.record + counter.add, same two
// attributes), for a sync and an async function, under a real SDK: NodeTracerProvider with a
// BatchSpanProcessor (exporter that discards) and a MeterProvider with a reader.
//
// The two are measured in alternating rounds (A B, B A, ...) and compared by their medians, to
// cancel drift on a shared machine. Target: timeOperation ≤ 1.10× raw. `BENCH_STRICT=1` makes a
// missed target fail the run.
const { metrics, SpanKind, trace } = require('@opentelemetry/api');
const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const {
  ATTR_COMPONENT,
  ATTR_OPERATION,
  METRIC_OPERATIONS,
  OPERATION_DURATION_BUCKETS_S,
  timeOperation,
} = require('@transcriber/instrumentation');

const TARGET_RATIO = 1.1;
// Many short rounds rather than a few long ones: load from other processes comes and goes in
// bursts, and a short round hit by one is an outlier the median drops.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 31);
const WARMUP_ROUNDS = 4;
const SYNC_OPS = 4_000;
const ASYNC_OPS = 2_000;
// Yield to the event loop every CHUNK operations so the BatchSpanProcessor exports as it would in
// an app, instead of its queue filling up and dropping spans (which would make spans look free).
const CHUNK = 256;

// --- SDK setup -------------------------------------------------------------------------------

let exportedSpans = 0;
const discardingExporter = {
  export(spans, resultCallback) {
    exportedSpans += spans.length;
    resultCallback({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

class PullReader extends MetricReader {
  async onShutdown() {}
  async onForceFlush() {}
}

const tracerProvider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(discardingExporter)] });
tracerProvider.register();
const reader = new PullReader();
const meterProvider = new MeterProvider({ readers: [reader] });
metrics.setGlobalMeterProvider(meterProvider);

// --- the two ways of timing an operation -------------------------------------------------------

const COMPONENT = 'stt';
const OPERATION = 'transcribe';

// By hand, as a careful user would write it: constants built once, the global tracer and meter.
const rawTracer = trace.getTracer('bench-raw');
const rawMeter = metrics.getMeter('bench-raw');
const rawDuration = rawMeter.createHistogram('bench.raw.duration', {
  unit: 's',
  advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS_S] },
});
const rawOperations = rawMeter.createCounter('bench.raw.operations');
const RAW_ATTRIBUTES = Object.freeze({ [ATTR_COMPONENT]: COMPONENT, [ATTR_OPERATION]: OPERATION });
const RAW_SPAN_OPTIONS = { kind: SpanKind.INTERNAL, attributes: RAW_ATTRIBUTES };
const RAW_SPAN_NAME = `${COMPONENT}.${OPERATION}`;

function rawSync(fn) {
  return rawTracer.startActiveSpan(RAW_SPAN_NAME, RAW_SPAN_OPTIONS, (span) => {
    const start = performance.now();
    try {
      return fn();
    } finally {
      rawDuration.record((performance.now() - start) / 1000, RAW_ATTRIBUTES);
      rawOperations.add(1, RAW_ATTRIBUTES);
      span.end();
    }
  });
}

function rawAsync(fn) {
  return rawTracer.startActiveSpan(RAW_SPAN_NAME, RAW_SPAN_OPTIONS, async (span) => {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      rawDuration.record((performance.now() - start) / 1000, RAW_ATTRIBUTES);
      rawOperations.add(1, RAW_ATTRIBUTES);
      span.end();
    }
  });
}

// The work being timed: nothing, so what is measured is the instrumentation.
let sink = 0;
const syncWork = () => {
  sink++;
  return sink;
};
const asyncWork = async () => {
  sink++;
  return sink;
};

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

const CASES = {
  sync: {
    ops: SYNC_OPS,
    raw: () => rawSync(syncWork),
    timeOperation: () => timeOperation(COMPONENT, OPERATION, syncWork),
    bare: () => syncWork(),
    async: false,
  },
  async: {
    ops: ASYNC_OPS,
    raw: () => rawAsync(asyncWork),
    timeOperation: () => timeOperation(COMPONENT, OPERATION, asyncWork),
    bare: () => asyncWork(),
    async: true,
  },
};

/** Runs `ops` operations of one variant and returns nanoseconds per operation. */
// No forced GC between measurements: a full GC every few milliseconds deoptimizes hot code whose
// optimized form holds objects that die ("weak objects"), and re-optimizing then dominates what is
// measured. Alternating the order spreads each variant's garbage fairly instead.
async function measure(run, ops, isAsync) {
  await yieldToLoop();
  const start = process.hrtime.bigint();
  for (let done = 0; done < ops;) {
    const end = Math.min(ops, done + CHUNK);
    if (isAsync) {
      for (; done < end; done++) await run();
    } else {
      for (; done < end; done++) run();
    }
    await yieldToLoop();
  }
  return Number(process.hrtime.bigint() - start) / ops;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function benchCase(name) {
  const c = CASES[name];
  const samples = { bare: [], raw: [], timeOperation: [] };
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    // Alternate the order so neither variant always runs first (or right after the other).
    const order = round % 2 === 0 ? ['raw', 'timeOperation', 'bare'] : ['timeOperation', 'raw', 'bare'];
    for (const variant of order) {
      const nsPerOp = await measure(c[variant], c.ops, c.async);
      if (round >= WARMUP_ROUNDS) samples[variant].push(nsPerOp);
    }
  }
  const ratios = samples.timeOperation.map((t, i) => t / samples.raw[i]);
  return {
    name,
    bare: median(samples.bare),
    raw: median(samples.raw),
    timeOperation: median(samples.timeOperation),
    ratio: median(samples.timeOperation) / median(samples.raw),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    opsPerVariant: c.ops * (WARMUP_ROUNDS + ROUNDS),
  };
}

/** The figures only mean something if every operation was really recorded and exported. */
async function checkEverythingWasRecorded(results) {
  await tracerProvider.forceFlush();
  const expectedSpans = results.reduce((sum, r) => sum + 2 * r.opsPerVariant, 0);
  if (exportedSpans !== expectedSpans) {
    throw new Error(`exported ${exportedSpans} spans, expected ${expectedSpans}: spans were dropped`);
  }
  const { resourceMetrics } = await reader.collect();
  const all = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  const countOf = (metricName) =>
    all.find((m) => m.descriptor.name === metricName)?.dataPoints.reduce((sum, p) => sum + p.value, 0) ?? 0;
  const expectedOps = results.reduce((sum, r) => sum + r.opsPerVariant, 0);
  for (const metricName of [METRIC_OPERATIONS, 'bench.raw.operations']) {
    if (countOf(metricName) !== expectedOps) {
      throw new Error(`${metricName} counted ${countOf(metricName)}, expected ${expectedOps}`);
    }
  }
}

function printTable(results) {
  const rows = [['fn', 'bare ns/op', 'raw OTel ns/op', 'timeOperation ns/op', 'ratio', 'ratio range']];
  for (const r of results) {
    rows.push([
      r.name,
      r.bare.toFixed(0),
      r.raw.toFixed(0),
      r.timeOperation.toFixed(0),
      `${r.ratio.toFixed(3)}×`,
      `${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)}`,
    ]);
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  for (const row of rows) console.log(row.map((cell, col) => cell.padStart(widths[col])).join('  '));
}

async function main() {
  console.log(
    `timeOperation vs raw OTel API: median of ${ROUNDS} alternating rounds ` +
      `(${SYNC_OPS} sync / ${ASYNC_OPS} async ops each, ${WARMUP_ROUNDS} warm-up rounds), Node ${process.version}`,
  );
  const results = [];
  for (const name of Object.keys(CASES)) results.push(await benchCase(name));
  await checkEverythingWasRecorded(results);
  printTable(results);

  const missed = results.filter((r) => r.ratio > TARGET_RATIO);
  console.log(
    missed.length === 0
      ? `target ≤ ${TARGET_RATIO}× met`
      : `target ≤ ${TARGET_RATIO}× missed for: ${missed.map((r) => r.name).join(', ')}`,
  );
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  if (missed.length > 0 && process.env.BENCH_STRICT === '1') process.exitCode = 1;
  if (sink < 0) console.log(sink); // keep the work observable
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
