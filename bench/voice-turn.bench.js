'use strict';
// What a voice turn's breakdown costs on top of timing its operations: one exchange of six nested
// operations (vad, stt, llm, tool, tts, audio_output) inside a `pipeline` operation, timed with
// timeOperation under a real SDK (NodeTracerProvider + BatchSpanProcessor with an exporter that
// discards, MeterProvider with a reader), measured two ways in alternating rounds:
//   plain  — the parent is `pipeline/process` and nothing is marked;
//   turn   — the parent is `pipeline/turn`; the operations mark the six points of the turn
//            (user_speech_end … first_audio_played; the output marks the turn once per frame
//            written, 20 frames, as the preload's mark-only entries do),
//            and report usage (STT audio seconds, tokens, TTS characters and audio seconds), so
//            the turn derives its stages, voice-to-voice, TTFT, TTFB, RTF and tokens/s at its end.
// Prints µs per exchange for both and the difference. Target: the breakdown adds ≤ 50 µs per turn,
// 0.01% of the 500 ms voice-to-voice that agents aim for. Most of it is the metrics SDK hashing
// the attributes of each extra histogram point (stages, voice-to-voice, TTFT, TTFB, RTF, usage).
// `BENCH_STRICT=1` makes a missed target fail.
const { metrics } = require('@opentelemetry/api');
const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const {
  activeTurn,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_STT_AUDIO_DURATION,
  ATTR_TTS_AUDIO_DURATION,
  ATTR_TTS_CHARACTERS,
  MARK_END_OF_UTTERANCE,
  MARK_FINAL_TRANSCRIPT,
  MARK_FIRST_AUDIO_BYTE,
  MARK_FIRST_AUDIO_PLAYED,
  MARK_FIRST_TOKEN,
  MARK_USER_SPEECH_END,
  METRIC_TURN_VOICE_TO_VOICE,
  timeOperation,
} = require('@transcriber/instrumentation');

const TARGET_US = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 31);
const WARMUP_ROUNDS = 4;
const EXCHANGES = 400;
const CHUNK = 32; // yield to the event loop so the batch processor exports as in an app

let exportedSpans = 0;
const discardingExporter = {
  export(spans, done) {
    exportedSpans += spans.length;
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};
class PullReader extends MetricReader {
  async onShutdown() {}
  async onForceFlush() {}
}
const tracerProvider = new NodeTracerProvider({
  spanProcessors: [new BatchSpanProcessor(discardingExporter, { maxQueueSize: 100_000 })],
});
tracerProvider.register();
const reader = new PullReader();
const meterProvider = new MeterProvider({ readers: [reader] });
metrics.setGlobalMeterProvider(meterProvider);

function exchange(marked) {
  timeOperation('pipeline', marked ? 'turn' : 'process', () => {
    timeOperation('vad', 'listen', (op) => {
      if (marked) op.mark(MARK_USER_SPEECH_END);
      if (marked) op.mark(MARK_END_OF_UTTERANCE);
    });
    timeOperation('stt', 'transcribe', (op) => {
      if (marked) op.addUsage(ATTR_STT_AUDIO_DURATION, 1.5);
      if (marked) op.mark(MARK_FINAL_TRANSCRIPT);
    });
    timeOperation('llm', 'chat', (op) => {
      if (marked) op.mark(MARK_FIRST_TOKEN);
      if (marked) op.addUsage(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, 24);
    });
    timeOperation('tool', 'switch_lights', () => undefined);
    timeOperation('tts', 'synthesize', (op) => {
      if (marked) op.addUsage(ATTR_TTS_CHARACTERS, 32);
      if (marked) op.mark(MARK_FIRST_AUDIO_BYTE);
      if (marked) op.addUsage(ATTR_TTS_AUDIO_DURATION, 1.2);
    });
    timeOperation('audio_output', 'play', () => {
      if (marked) for (let frame = 0; frame < 20; frame++) activeTurn()?.mark(MARK_FIRST_AUDIO_PLAYED);
    });
  });
}

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

async function measure(marked) {
  await yieldToLoop();
  const start = process.hrtime.bigint();
  for (let done = 0; done < EXCHANGES;) {
    const end = Math.min(EXCHANGES, done + CHUNK);
    for (; done < end; done++) exchange(marked);
    await yieldToLoop();
  }
  return Number(process.hrtime.bigint() - start) / EXCHANGES / 1000;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  console.log(
    `voice turn breakdown vs plain timing: median of ${ROUNDS} alternating rounds of ${EXCHANGES} exchanges ` +
      `(7 operations each, ${WARMUP_ROUNDS} warm-up rounds), Node ${process.version}`,
  );
  const samples = { plain: [], turn: [] };
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const order = round % 2 === 0 ? [false, true] : [true, false];
    for (const marked of order) {
      const us = await measure(marked);
      if (round >= WARMUP_ROUNDS) samples[marked ? 'turn' : 'plain'].push(us);
    }
  }
  // The figures only mean something if everything was recorded.
  await tracerProvider.forceFlush();
  const expected = 2 * (WARMUP_ROUNDS + ROUNDS) * EXCHANGES * 7;
  if (exportedSpans !== expected) throw new Error(`exported ${exportedSpans} spans, expected ${expected}`);
  const { resourceMetrics } = await reader.collect();
  const v2v = resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === METRIC_TURN_VOICE_TO_VOICE);
  const turns = v2v?.dataPoints.reduce((n, p) => n + p.value.count, 0) ?? 0;
  if (turns !== (WARMUP_ROUNDS + ROUNDS) * EXCHANGES) throw new Error(`recorded ${turns} turns`);

  const plain = median(samples.plain);
  const turn = median(samples.turn);
  const diffs = samples.turn.map((t, i) => t - samples.plain[i]);
  console.log(`plain exchange: ${plain.toFixed(1)} µs`);
  console.log(`turn exchange:  ${turn.toFixed(1)} µs (26 marks, 5 usage reports, the turn's figures)`);
  console.log(
    `breakdown cost: ${(turn - plain).toFixed(1)} µs per turn (${((turn / plain - 1) * 100).toFixed(0)}%; ` +
      `per round ${Math.min(...diffs).toFixed(1)}…${Math.max(...diffs).toFixed(1)} µs)`,
  );
  const met = turn - plain <= TARGET_US;
  console.log(met ? `target ≤ ${TARGET_US} µs met` : `target ≤ ${TARGET_US} µs missed`);
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  if (!met && process.env.BENCH_STRICT === '1') process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
