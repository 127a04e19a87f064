#!/usr/bin/env node
// The Collector stack's example workload (docker-compose.yml, `example-workload`): a simulated voice
// pipeline (every component type, timers and busy loops, some failures; turns with every mark, so
// the dashboard's voice panels fill) under PerformanceIntegration, then the per-component summary
// read back from performance_metrics.db. A container has no audio tools; on a machine with them,
// `npm start` runs the real example agent instead (scripts/main-job.js). Usage: node
// scripts/demo-workload.js [--turns N] (data dir from config/env, else ./data).
'use strict';
const { PerformanceIntegration, ComponentType } = require('@transcriber/node');
const { openForQuery, summarizeComponents } = require('@transcriber/queries');

const SAMPLE_RATE = 16000;
const FRAME_SAMPLES = SAMPLE_RATE / 50; // 20 ms frames
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function parseTurns(argv) {
  const i = argv.indexOf('--turns');
  if (i === -1) return 12;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`invalid --turns ${JSON.stringify(argv[i + 1])}: expected a whole number of at least 1`);
    process.exit(2);
  }
  return n;
}

// A user utterance: 0.6–1.2 s of a voiced tone with noise, framed at 20 ms.
function captureUtterance(turn) {
  const seconds = 0.6 + (turn % 4) * 0.2;
  const frames = [];
  for (let f = 0; f < Math.round(seconds * 50); f++) {
    const frame = new Float32Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const t = (f * FRAME_SAMPLES + i) / SAMPLE_RATE;
      frame[i] = 0.4 * Math.sin(2 * Math.PI * 180 * t) + 0.05 * (Math.random() - 0.5);
    }
    frames.push(frame);
  }
  return frames;
}

// Energy VAD: frames whose RMS is over a threshold are speech.
function detectSpeech(frames) {
  return frames.filter((frame) => {
    let energy = 0;
    for (const s of frame) energy += s * s;
    return Math.sqrt(energy / frame.length) > 0.1;
  });
}

// "Recognition": a DFT per frame (real CPU work that scales with audio length), then model latency.
async function transcribe(frames) {
  let peakBin = 0;
  for (const frame of frames) {
    let best = 0;
    for (let k = 1; k < 40; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < frame.length; n += 2) {
        re += frame[n] * Math.cos((2 * Math.PI * k * n) / frame.length);
        im -= frame[n] * Math.sin((2 * Math.PI * k * n) / frame.length);
      }
      const power = re * re + im * im;
      if (power > best) {
        best = power;
        peakBin = k;
      }
    }
  }
  await sleep(40 + frames.length);
  return `turn on the lights ${peakBin}`;
}

async function generate(op, text, turn) {
  await sleep(120 + (turn % 3) * 60); // time to first token
  op.mark('first_token');
  if (turn % 7 === 3) {
    const err = new Error('rate limited');
    err.name = 'RateLimitError';
    throw err;
  }
  await sleep(80);
  return { reply: `Okay, ${text.split(' ').slice(-2).join(' ')} is done.`, tool: turn % 2 === 0 ? 'lights' : null };
}

async function callTool(name, turn) {
  await sleep(15);
  if (turn % 5 === 4) {
    const err = new Error(`${name} did not answer`);
    err.name = 'TimeoutError';
    throw err;
  }
  return { ok: true };
}

async function synthesize(op, text) {
  const samples = new Float32Array(Math.round(SAMPLE_RATE * 0.06 * text.length));
  for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / SAMPLE_RATE);
  await sleep(60);
  op.mark('first_audio_byte');
  await sleep(30);
  return samples;
}

async function main() {
  const turns = parseTurns(process.argv.slice(2));
  const startedUs = Date.now() * 1000;
  const perf = new PerformanceIntegration();
  await perf.initialize();
  for (let turn = 0; turn < turns; turn++) {
    try {
      await perf.timeOperation(ComponentType.PIPELINE, 'turn', async (voiceTurn) => {
        const frames = perf.timeOperation(ComponentType.AUDIO_CAPTURE, 'capture', () => captureUtterance(turn));
        voiceTurn.mark('user_speech_end');
        const speech = perf.timeOperation(ComponentType.VAD, 'detect', () => detectSpeech(frames));
        voiceTurn.mark('end_of_utterance');
        const text = await perf.timeOperation(ComponentType.STT, 'transcribe', async (op) => {
          const words = await transcribe(speech);
          op.mark('final_transcript');
          return words;
        });
        const answer = await perf.timeOperation(ComponentType.AGENT, 'respond', async () => {
          const out = await perf.timeOperation(ComponentType.LLM, 'generate', (op) => generate(op, text, turn));
          if (out.tool)
            await perf
              .timeOperation(ComponentType.TOOL, out.tool, () => callTool(out.tool, turn))
              .catch(() => undefined);
          return out.reply;
        });
        const audio = await perf.timeOperation(ComponentType.TTS, 'synthesize', (op) => synthesize(op, answer));
        await perf.timeOperation(ComponentType.AUDIO_OUTPUT, 'play', (op) => {
          op.mark('first_audio_played');
          return sleep(Math.min(200, (audio.length / SAMPLE_RATE) * 1000));
        });
      });
    } catch {
      // A failed turn is recorded (its spans carry the error); the agent goes on to the next one.
    }
  }
  await perf.cleanup();

  const db = openForQuery(perf.config.dataDir, 'performance_metrics');
  const rows = summarizeComponents(db, { sinceUs: startedUs });
  db.close();
  console.log(`${turns} turns recorded in ${perf.config.dataDir}/performance_metrics.db\n`);
  const header = ['component', 'count', 'errors', 'err%', 'avg ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
  const table = rows.map((r) => [
    r.component,
    String(r.count),
    String(r.errors),
    (r.errorRate * 100).toFixed(1),
    ...[r.avgMs, r.p50Ms, r.p95Ms, r.p99Ms, r.maxMs].map((v) => v.toFixed(1)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of table) console.log(line(row));
}

main().catch((err) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});
