'use strict';
// `transcriber collect` end to end over loopback, against the in-process exporter, in one run.
//
// The same N spans (voice turns: a pipeline span with vad, stt, llm and tts children, GenAI
// attributes, a first_token event on the llm span) are written two ways, in alternating rounds:
//   in-process  SqliteSpanExporter.export(512 spans at a time) + forceFlush: what an instrumented
//               Node app pays to store its spans.
//   collect     OtlpServer (the receiver `transcriber collect` runs) on 127.0.0.1, fed by a
//               separate process posting OTLP/HTTP requests of 512 spans over 4 keep-alive
//               connections (retrying 429/503 after Retry-After, as the OTel exporters do), timed
//               from the first request until every span is acknowledged and written (the server's
//               close resolves after the final write). The sender serializes its requests before
//               the clock starts, with the OTel JS serializers, so the figure is the receiver's:
//               HTTP, decoding, component mapping and the same SQLite write path.
//   server thread  the same through OtlpServerThread, as the `collect` command runs the server (its
//               young generation held to RECEIVER_YOUNG_GENERATION_MB): the price of that bound.
//   collect over gRPC  the same server's OTLP/gRPC port, fed by a separate process making Export
//               calls of the same 512-span protobuf messages, 4 at a time on one channel (as an
//               exporter's one connection would carry them), retrying UNAVAILABLE after its RetryInfo.
// Reported: spans/s (median of the rounds) for each, collect ÷ in-process (target ≥ 0.5×), and gRPC
// ÷ OTLP/HTTP protobuf (target ≥ 0.8×); in-process, HTTP protobuf and gRPC alternate in each round.
// Also measured (no target): the same with OTLP/JSON bodies, and with gzip-compressed protobuf.
// `BENCH_STRICT=1` makes a missed target fail the run. BENCH_SPANS, BENCH_ROUNDS change the size.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { makeSpans } = require('./voiceTurnSpans');

const N = Number(process.env.BENCH_SPANS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 512;
const CONNECTIONS = 4;
const TARGET_RATIO = 0.5;
const GRPC_TARGET_RATIO = 0.8;

// --- the sender (a separate process) -------------------------------------------------------------

async function sender([url, encoding, count]) {
  const { JsonTraceSerializer, ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
  const spans = makeSpans(Number(count));
  if (encoding === 'grpc') return grpcSender(url, spans, ProtobufTraceSerializer);
  const serializer = encoding === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  const headers = { 'Content-Type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' };
  if (encoding === 'gzip') headers['Content-Encoding'] = 'gzip';
  const bodies = [];
  for (let i = 0; i < spans.length; i += BATCH) {
    const body = Buffer.from(serializer.serializeRequest(spans.slice(i, i + BATCH)));
    bodies.push(encoding === 'gzip' ? zlib.gzipSync(body) : body);
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = http.request(`${url}/v1/traces`, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  let next = 0;
  let retries = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      for (;;) {
        const { status, retryAfter } = await post(body);
        if (status === 200) break;
        if (status !== 429 && status !== 503) throw new Error(`HTTP ${status}`);
        retries++;
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ requests: bodies.length, retries })}\n`);
}

/** The gRPC sender: the same protobuf messages as Export calls, CONNECTIONS at a time on one channel. */
async function grpcSender(target, spans, serializer) {
  const grpc = require('@grpc/grpc-js');
  const passThrough = (bytes) => bytes;
  const Client = grpc.makeGenericClientConstructor(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: passThrough,
        requestDeserialize: passThrough,
        responseSerialize: passThrough,
        responseDeserialize: passThrough,
      },
    },
    'TraceService',
  );
  const client = new Client(target, grpc.credentials.createInsecure());
  const bodies = [];
  for (let i = 0; i < spans.length; i += BATCH)
    bodies.push(Buffer.from(serializer.serializeRequest(spans.slice(i, i + BATCH))));
  const call = (body) => new Promise((resolve) => client.Export(body, (err) => resolve(err === null ? 0 : err.code)));
  // Connect before the clock starts, as the HTTP sender's first request would have to anyway.
  await new Promise((resolve, reject) =>
    client.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve())),
  );
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  let next = 0;
  let retries = 0;
  const UNAVAILABLE = 14;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      for (;;) {
        const code = await call(body);
        if (code === 0) break;
        if (code !== UNAVAILABLE) throw new Error(`gRPC status ${code}`);
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  client.close();
  process.stdout.write(`${JSON.stringify({ requests: bodies.length, retries })}\n`);
}

// --- the measuring process -----------------------------------------------------------------------

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-bench-collect-'));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function countSpans(dataDir) {
  const BetterSqlite3 = require('better-sqlite3');
  const { databasePath } = require('@transcriber/storage/files');
  const db = new BetterSqlite3(databasePath(dataDir, 'performance_metrics'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM spans').pluck().get();
  } finally {
    db.close();
  }
}

async function inProcess(spans, warmup) {
  const { SqliteSpanExporter } = require('@transcriber/storage');
  const dataDir = tmpRoot();
  const exporter = new SqliteSpanExporter({ dataDir });
  // Open (create, migrate) the database outside the timing.
  exporter.export(warmup, () => {});
  await exporter.forceFlush();
  const cpu0 = cpuSeconds();
  const start = performance.now();
  for (let i = 0; i < spans.length; i += BATCH) exporter.export(spans.slice(i, i + BATCH), () => {});
  await exporter.forceFlush();
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds() - cpu0;
  await exporter.shutdown();
  const written = countSpans(dataDir) - warmup.length;
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (written !== spans.length) throw new Error(`in-process: ${written} spans written, expected ${spans.length}`);
  return { rate: spans.length / seconds, perCpu: spans.length / cpu };
}

/** `threaded`: the server in a thread of its own, as `transcriber collect` runs it (OtlpServerThread). */
async function overLoopback(encoding, warmupBody, threaded = false) {
  const { OtlpServer } = require('@transcriber/otlp-receiver');
  const { OtlpServerThread } = require('@transcriber/otlp-receiver/thread');
  const dataDir = tmpRoot();
  const Server = threaded ? OtlpServerThread : OtlpServer;
  const server = await Server.start({ dataDir, port: 0, grpcPort: encoding === 'grpc' ? 0 : undefined });
  // Open the database outside the timing, as for the in-process rounds.
  await new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}/v1/traces`,
      { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' } },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(warmupBody);
  });
  const child = spawn(
    process.execPath,
    [
      path.join(__dirname, 'collect.bench.js'),
      '--sender',
      encoding === 'grpc' ? server.grpcTarget : server.url,
      encoding,
      String(N),
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let out = '';
  let onLine = () => {};
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    out += chunk;
    onLine();
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  /** Resolves once the sender has printed `lines` lines (it prints `ready`, then its result). */
  const printed = (lines) =>
    new Promise((resolve, reject) => {
      onLine = () => out.split('\n').length > lines && resolve();
      onLine();
      void exited.then(() => reject(new Error(`sender exited having printed: ${out}`)));
    });
  await printed(1);
  const cpu0 = cpuSeconds();
  const start = performance.now();
  child.stdin.end('go\n');
  // Done when the sender has every answer and the receiver has written everything it accepted.
  await printed(2);
  await server.flush();
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds() - cpu0;
  const code = await exited;
  if (code !== 0) throw new Error(`sender exited with ${code}`);
  const stats = await server.close();
  const result = JSON.parse(out.trim().split('\n').pop());
  const written = countSpans(dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (stats.spans.accepted !== N + 1 || written !== N + 1) {
    throw new Error(`collect (${encoding}): ${stats.spans.accepted} accepted, ${written} written, expected ${N + 1}`);
  }
  return { rate: N / seconds, perCpu: N / cpu, retries: result.retries };
}

async function main() {
  const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
  const spans = makeSpans(N);
  const warmup = makeSpans(1);
  const warmupBody = Buffer.from(ProtobufTraceSerializer.serializeRequest(warmup));
  const runs = { inProcess: [], protobuf: [], thread: [], grpc: [], json: [], gzip: [] };
  let retries = 0;
  const record = (what, measured) => {
    runs[what].push(measured);
    retries += measured.retries ?? 0;
  };
  await inProcess(spans.slice(0, 2000), warmup); // JIT warm-up, not counted
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so drift on a shared machine falls on all alike.
    const kinds = ['inProcess', 'protobuf', 'thread', 'grpc'];
    const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]);
    for (const what of order) {
      if (what === 'inProcess') record(what, await inProcess(spans, warmup));
      else if (what === 'thread') record(what, await overLoopback('protobuf', warmupBody, true));
      else record(what, await overLoopback(what, warmupBody));
    }
  }
  for (const encoding of ['json', 'gzip']) {
    for (let round = 0; round < Math.max(1, ROUNDS >> 1); round++)
      record(encoding, await overLoopback(encoding, warmupBody));
  }
  const med = (what, key) => median(runs[what].map((r) => r[key]));
  const cell = (value, base) =>
    `${Math.round(value).toLocaleString('en-US').padStart(10)}${`${(value / base).toFixed(2)}×`.padStart(8)}`;
  const row = (label, what) =>
    `${label.padEnd(42)}${cell(med(what, 'rate'), med('inProcess', 'rate'))}${cell(med(what, 'perCpu'), med('inProcess', 'perCpu'))}`;
  console.log(
    `${N.toLocaleString('en-US')} spans, ${BATCH} per request, ${CONNECTIONS} connections, ${ROUNDS} rounds (median); node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log('');
  console.log(
    `${''.padEnd(42)}${'spans/s'.padStart(10)}${'ratio'.padStart(8)}${'per CPU-s'.padStart(10)}${'ratio'.padStart(8)}`,
  );
  console.log(row('in-process SqliteSpanExporter (baseline)', 'inProcess'));
  console.log(row('collect, OTLP/HTTP protobuf', 'protobuf'));
  console.log(row('  the same, server thread (as the CLI runs)', 'thread'));
  console.log(row('collect, OTLP/gRPC', 'grpc'));
  console.log(row('collect, OTLP/HTTP JSON', 'json'));
  console.log(row('collect, OTLP/HTTP protobuf + gzip', 'gzip'));
  console.log('');
  console.log('per CPU-s: spans per CPU-second of the writing process (the receiver for collect; the sender not');
  console.log('counted): what it costs, which load from other processes changes far less than wall-clock rates.');
  const ratio = med('protobuf', 'rate') / med('inProcess', 'rate');
  console.log(
    `target: collect (protobuf) ≥ ${TARGET_RATIO}× in-process, spans/s: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'} (${ratio.toFixed(2)}×); requests retried after 429/503: ${retries}`,
  );
  const grpcRatio = med('grpc', 'rate') / med('protobuf', 'rate');
  console.log(
    `target: collect over gRPC ≥ ${GRPC_TARGET_RATIO}× OTLP/HTTP protobuf, spans/s: ${grpcRatio >= GRPC_TARGET_RATIO ? 'met' : 'MISSED'} (${grpcRatio.toFixed(2)}×; per CPU-s ${(med('grpc', 'perCpu') / med('protobuf', 'perCpu')).toFixed(2)}×)`,
  );
  if (process.env.BENCH_STRICT === '1' && (ratio < TARGET_RATIO || grpcRatio < GRPC_TARGET_RATIO)) process.exitCode = 1;
}

if (process.argv[2] === '--sender') {
  sender(process.argv.slice(3)).catch((err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
