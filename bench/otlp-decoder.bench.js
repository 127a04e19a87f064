'use strict';
// The receiver's hand-written protobuf decoder against protobufjs static code generated from the
// official opentelemetry-proto files (issue 16, item 4), on the same requests, in one run:
//   decoding    each decoder turns the same OTLP/protobuf trace requests (512 voice-turn spans
//               each, serialized by the OTel JS serializer) into the receiver's spans, with the same
//               limits (strings cut, deep values dropped) and checks: µs per span.
//   collect     end to end: OtlpServer on 127.0.0.1 with one decoder or the other in its request
//               path, fed by collect.bench.js's sender process (4 keep-alive connections), timed
//               until every span is acknowledged and written: µs per span of wall time and of the
//               receiver's CPU.
// Rounds alternate the two decoders (median of the rounds). The receiver runs from its TypeScript
// sources (test/helpers/register-ts.js) so the protobufjs variant (test/support/protobufjsTraces.ts)
// can stand in for decodeTraceRequestProtobuf. BENCH_SPANS, BENCH_ROUNDS change the size.
require('../test/helpers/register-ts.js');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { makeSpans } = require('./voiceTurnSpans');

const N = Number(process.env.BENCH_SPANS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 512;
const receiverSrc = path.join(__dirname, '../packages/otlp-receiver/src');
const traces = require(path.join(receiverSrc, 'protobufTraces.ts'));
const { Rejections } = require(path.join(receiverSrc, 'rejections.ts'));
const { ValueLimits } = require(path.join(receiverSrc, 'valueLimits.ts'));
const { decodeTraceRequestProtobufjs } = require('../packages/otlp-receiver/test/support/protobufjsTraces.ts');

const DECODERS = {
  'hand-written': traces.decodeTraceRequestProtobuf,
  protobufjs: decodeTraceRequestProtobufjs,
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

function decodeAll(decode, bodies) {
  let spans = 0;
  const start = performance.now();
  for (const body of bodies) spans += decode(body, new Rejections(), new ValueLimits(4096)).length;
  return { usPerSpan: ((performance.now() - start) * 1000) / spans, spans };
}

async function endToEnd(name, warmupBody) {
  // The receiver's request path calls the decoder through this module's export.
  traces.decodeTraceRequestProtobuf = DECODERS[name];
  const { OtlpServer } = require('@transcriber/otlp-receiver');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-bench-decoder-'));
  const server = await OtlpServer.start({ dataDir, port: 0 });
  try {
    // Open the database outside the timing.
    await new Promise((resolve, reject) => {
      const req = http.request(
        `${server.url}/v1/traces`,
        { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' } },
        (res) => res.resume().on('end', resolve),
      );
      req.on('error', reject);
      req.end(warmupBody);
    });
    const child = spawn(
      process.execPath,
      [path.join(__dirname, 'collect.bench.js'), '--sender', server.url, 'protobuf', String(N)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    const lines = (count) =>
      new Promise((resolve, reject) => {
        const check = () => out.split('\n').length > count && resolve();
        child.stdout.on('data', (chunk) => {
          out += chunk;
          check();
        });
        child.on('close', (code) => (code === 0 ? check() : reject(new Error(`sender exited with ${code}`))));
      });
    await lines(1);
    const cpu0 = cpuSeconds();
    const start = performance.now();
    child.stdin.end('go\n');
    await lines(2);
    await server.flush();
    const seconds = (performance.now() - start) / 1000;
    const cpu = cpuSeconds() - cpu0;
    const stats = await server.close();
    if (stats.spans.accepted !== N + 1) throw new Error(`${name}: ${stats.spans.accepted} spans accepted of ${N + 1}`);
    return { wallUs: (seconds * 1e6) / N, cpuUs: (cpu * 1e6) / N };
  } finally {
    await server.close();
    traces.decodeTraceRequestProtobuf = DECODERS['hand-written'];
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
  const spans = makeSpans(N);
  const bodies = [];
  for (let i = 0; i < spans.length; i += BATCH) {
    bodies.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + BATCH))));
  }
  const warmupBody = Buffer.from(ProtobufTraceSerializer.serializeRequest(makeSpans(1)));
  // Both decoders read the bodies to the same spans (checked once, outside the timing).
  const a = DECODERS['hand-written'](bodies[0], new Rejections(), new ValueLimits(4096));
  const b = DECODERS.protobufjs(bodies[0], new Rejections(), new ValueLimits(4096));
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('the two decoders disagree on the first request');

  const names = Object.keys(DECODERS);
  const decoding = Object.fromEntries(names.map((n) => [n, []]));
  const collect = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) decodeAll(DECODERS[name], bodies); // JIT warm-up, not counted
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) decoding[name].push(decodeAll(DECODERS[name], bodies).usPerSpan);
    for (const name of order) collect[name].push(await endToEnd(name, warmupBody));
  }

  console.log(
    `${N.toLocaleString('en-US')} spans, ${BATCH} per request, ${ROUNDS} rounds (median); node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log('');
  console.log(
    `${''.padEnd(16)}${'decode µs/span'.padStart(16)}${'collect µs/span'.padStart(17)}${'CPU µs/span'.padStart(13)}`,
  );
  const base = {
    decode: median(decoding['hand-written']),
    wall: median(collect['hand-written'].map((r) => r.wallUs)),
    cpu: median(collect['hand-written'].map((r) => r.cpuUs)),
  };
  for (const name of names) {
    const d = median(decoding[name]);
    const w = median(collect[name].map((r) => r.wallUs));
    const c = median(collect[name].map((r) => r.cpuUs));
    const cell = (value, of) =>
      `${value.toFixed(2)} (${(value / of).toFixed(2)}×)`.padStart(name === names[0] ? 16 : 16);
    console.log(
      `${name.padEnd(16)}${cell(d, base.decode)}${cell(w, base.wall).padStart(17)}${cell(c, base.cpu).padStart(13)}`,
    );
  }
  console.log('');
  console.log('collect µs/span: wall time per span received over OTLP/HTTP and written; CPU µs/span: the receiving');
  console.log("process's CPU per span (the sender not counted). Ratios against the hand-written decoder.");
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
