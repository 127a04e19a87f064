'use strict';
// `transcriber collect` deriving voice turns from framework telemetry, against the same spans stored
// without turn derivation, in one run.
//
// The spans: BENCH_TURNS framework turns (default 100,000), half LiveKit Agents for Python sessions
// (an exchange is user_turn → user_speaking, eou_detection; agent_turn → llm_node → llm_request →
// llm_request_run, tts_node → tts_request → tts_request_run, agent_speaking: 11 spans), half Pipecat
// conversations (turn → stt, llm, tts: 4 spans), 10 exchanges a session, with the names and
// attributes those frameworks record (see test/fixtures/otlp-sender.js), in the order they end.
// A separate process serializes them with the OTel JS serializer before the clock starts and posts
// them as OTLP/HTTP protobuf requests of 512 spans, one at a time over one keep-alive connection
// (in order, as an SDK's batch span processor sends them: a turn's pieces before the turn), retrying
// 429/503 after Retry-After. Timed from the first request until every span is acknowledged and written.
//   with turns     OtlpServer as `transcriber collect` runs it: rules, turn derivation, writing
//   without turns  the same server with `deriveTurns: false`: rules and writing only
// Reported: spans/s (median of the rounds, alternating) for both and their ratio. Target ≥ 0.8×.
// Checked: every turn derived (one pipeline.turn row each). BENCH_TURNS, BENCH_ROUNDS change the size;
// BENCH_STRICT=1 makes a missed target fail the run.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const TURNS = Number(process.env.BENCH_TURNS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PER_SESSION = 10;
const BATCH = 512;
const CONNECTIONS = 1;
const TARGET_RATIO = 0.8;

// --- the sender (a separate process) -------------------------------------------------------------

/** Makes the sessions' spans a few sessions at a time and serializes them as they end. */
function makeBodies(turns) {
  const { ROOT_CONTEXT, trace } = require('@opentelemetry/api');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'voice-agent-bench',
      'telemetry.sdk.language': 'python',
      'telemetry.sdk.name': 'opentelemetry',
    }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const livekit = provider.getTracer('livekit-agents');
  const pipecat = provider.getTracer('pipecat');
  const pipecatTurns = provider.getTracer('pipecat.turn');
  const t0 = Date.now() - 3_600_000;
  const opened = [];
  const timed = (tracer, name, parent, from, to, attributes = {}) => {
    const ctx = parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent);
    const span = tracer.startSpan(name, { startTime: from, attributes }, ctx);
    opened.push([span, to]);
    return span;
  };
  const liveKitSession = (start) => {
    const session = timed(livekit, 'agent_session', undefined, start, start + PER_SESSION * 5000 + 1000, {
      'lk.agent_name': 'bench',
    });
    for (let e = 0; e < PER_SESSION; e++) {
      const at = start + e * 5000;
      const user = timed(livekit, 'user_turn', session, at, at + 1900, {
        'lk.pii.user_transcript': 'what is the weather',
        'lk.transcript_confidence': 0.97,
        'lk.transcription_delay': 0.31,
        'lk.end_of_turn_delay': 0.52,
      });
      timed(livekit, 'user_speaking', user, at, at + 1300);
      timed(livekit, 'eou_detection', user, at + 1800, at + 1810, { 'lk.eou.probability': 0.9 });
      const agent = timed(livekit, 'agent_turn', session, at + 1910, at + 4500, {
        'lk.speech_id': `speech_${e}`,
        'lk.interrupted': false,
        'lk.e2e_latency': 0.95,
      });
      const llm = timed(livekit, 'llm_node', agent, at + 1910, at + 2600, { 'lk.response.ttft': 0.2 });
      const request = timed(livekit, 'llm_request', llm, at + 1911, at + 2599, {
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': 180,
        'gen_ai.usage.output_tokens': 12,
      });
      timed(livekit, 'llm_request_run', request, at + 1912, at + 2598, { 'lk.retry_count': 0 });
      const tts = timed(livekit, 'tts_node', agent, at + 2120, at + 4400, { 'lk.response.ttfb': 0.09 });
      const ttsRequest = timed(livekit, 'tts_request', tts, at + 2150, at + 4390, {
        'lk.tts.streaming': true,
        'lk.tts_metrics': JSON.stringify({ characters_count: 36, audio_duration: 2.2 }),
      });
      timed(livekit, 'tts_request_run', ttsRequest, at + 2151, at + 4380, { 'lk.retry_count': 0 });
      timed(livekit, 'agent_speaking', agent, at + 2250, at + 4450);
    }
  };
  const pipecatConversation = (start) => {
    const conversation = timed(pipecatTurns, 'conversation', undefined, start, start + PER_SESSION * 5000 + 1000, {
      'conversation.id': `c-${start}`,
      'conversation.type': 'voice',
    });
    for (let e = 0; e < PER_SESSION; e++) {
      const at = start + e * 5000;
      const turn = timed(pipecatTurns, 'turn', conversation, at, at + 4500, {
        'turn.number': e + 1,
        'turn.type': 'conversation',
        'turn.was_interrupted': false,
        'turn.user_bot_latency_seconds': 1.1,
      });
      timed(pipecat, 'stt', turn, at, at + 1450, { 'gen_ai.operation.name': 'stt', 'metrics.ttfb': 0.25 });
      timed(pipecat, 'llm', turn, at + 1700, at + 2500, {
        'gen_ai.operation.name': 'chat',
        'metrics.ttfb': 0.3,
        'gen_ai.usage.input_tokens': 200,
        'gen_ai.usage.output_tokens': 9,
      });
      timed(pipecat, 'tts', turn, at + 2050, at + 4400, {
        'gen_ai.operation.name': 'tts',
        'metrics.ttfb': 0.12,
        'metrics.character_count': 21,
      });
    }
  };
  const bodies = [];
  let spans = 0;
  let pending = [];
  const flush = (all) => {
    for (const [span, to] of opened.sort((a, b) => a[1] - b[1])) span.end(to);
    opened.length = 0;
    pending.push(...memory.getFinishedSpans());
    memory.reset();
    while (pending.length >= BATCH || (all && pending.length > 0)) {
      const batch = pending.slice(0, BATCH);
      pending = pending.slice(BATCH);
      bodies.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(batch)));
      spans += batch.length;
    }
  };
  const sessions = turns / PER_SESSION;
  for (let s = 0; s < sessions; s++) {
    // Sessions overlap in time as a server's do; their spans end in the order of their end times.
    const start = t0 + s * 400;
    if (s % 2 === 0) liveKitSession(start);
    else pipecatConversation(start);
    if (s % 20 === 19) flush(false);
  }
  flush(true);
  return { bodies, spans };
}

async function sender([url]) {
  const { bodies, spans } = makeBodies(TURNS);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const headers = { 'Content-Type': 'application/x-protobuf' };
  const post = (body) =>
    new Promise((resolve, reject) => {
      const req = http.request(`${url}/v1/traces`, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after'] ?? 1) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  process.stdout.write(`${JSON.stringify({ spans })}\n`);
  await new Promise((resolve) => process.stdin.once('data', resolve));
  // In order, as one exporter's batches arrive: a turn's pieces come before it.
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

// --- the measuring process -----------------------------------------------------------------------

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function count(dataDir, where) {
  const BetterSqlite3 = require('better-sqlite3');
  const { databasePath } = require('@transcriber/storage/files');
  const db = new BetterSqlite3(databasePath(dataDir, 'performance_metrics'), { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM spans ${where}`).pluck().get();
  } finally {
    db.close();
  }
}

async function run(deriveTurns) {
  const { OtlpServer } = require('@transcriber/otlp-receiver');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcriber-bench-turns-'));
  const server = await OtlpServer.start({ dataDir, port: 0, deriveTurns });
  const child = spawn(process.execPath, [path.join(__dirname, 'collect-turns.bench.js'), '--sender', server.url], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let onLine = () => {};
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    out += chunk;
    onLine();
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const printed = (lines) =>
    new Promise((resolve, reject) => {
      onLine = () => out.split('\n').length > lines && resolve();
      onLine();
      void exited.then(() => reject(new Error(`sender exited having printed: ${out}`)));
    });
  await printed(1);
  const { spans } = JSON.parse(out.split('\n')[0]);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  child.stdin.end('go\n');
  await printed(2);
  await server.flush();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if ((await exited) !== 0) throw new Error('sender failed');
  const stats = await server.close();
  const retries = JSON.parse(out.trim().split('\n').pop()).retries;
  const turns = count(dataDir, "WHERE name = 'pipeline.turn'");
  // Complete turns: their pieces came first.
  const complete = count(
    dataDir,
    `WHERE name = 'pipeline.turn' AND json_extract(attributes, '$."transcriber.turn.agent.duration"') IS NOT NULL`,
  );
  const stored = count(dataDir, '');
  if (process.env.BENCH_KEEP === '1') console.log(`kept ${dataDir}`);
  else fs.rmSync(dataDir, { recursive: true, force: true });
  if (stats.spans.accepted !== spans || stored !== spans + turns)
    throw new Error(`${stats.spans.accepted} accepted, ${stored} stored, of ${spans} spans and ${turns} turns`);
  if (turns !== (deriveTurns ? TURNS : 0))
    throw new Error(`${turns} turns derived, expected ${deriveTurns ? TURNS : 0}`);
  return { rate: spans / seconds, perCpu: spans / ((cpu.user + cpu.system) / 1e6), spans, turns, complete, retries };
}

async function main() {
  const runs = { with: [], without: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so drift on a shared machine falls on both alike.
    for (const what of round % 2 === 0 ? ['with', 'without'] : ['without', 'with']) {
      runs[what].push(await run(what === 'with'));
    }
  }
  const rate = (what, key = 'rate') => median(runs[what].map((r) => r[key]));
  const spans = runs.with[0].spans;
  console.log(
    `${TURNS.toLocaleString('en-US')} framework turns (half LiveKit, half Pipecat) in ${spans.toLocaleString('en-US')} spans, ${BATCH} per request, ${CONNECTIONS} connection, ${ROUNDS} rounds (median); node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log('');
  const cell = (value) => Math.round(value).toLocaleString('en-US').padStart(12);
  console.log(`${''.padEnd(36)}${'spans/s'.padStart(12)}${'per CPU-s'.padStart(12)}`);
  console.log(
    `${'collect, without turn derivation'.padEnd(36)}${cell(rate('without'))}${cell(rate('without', 'perCpu'))}`,
  );
  console.log(`${'collect, deriving the turns'.padEnd(36)}${cell(rate('with'))}${cell(rate('with', 'perCpu'))}`);
  console.log(
    `per CPU-s: spans per CPU-second of the receiving process (all its threads; the sender not counted): ${(rate('with', 'perCpu') / rate('without', 'perCpu')).toFixed(2)}× with turns`,
  );
  const ratio = rate('with') / rate('without');
  const retries = [...runs.with, ...runs.without].reduce((n, r) => n + r.retries, 0);
  console.log('');
  console.log(
    `target: with turns ≥ ${TARGET_RATIO}× without, spans/s: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'} (${ratio.toFixed(2)}×); ${runs.with[0].turns.toLocaleString('en-US')} turns derived each run (${Math.min(...runs.with.map((r) => r.complete)).toLocaleString('en-US')} at least with every piece); requests retried after 429/503: ${retries}`,
  );
  if (process.env.BENCH_STRICT === '1' && ratio < TARGET_RATIO) process.exitCode = 1;
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
