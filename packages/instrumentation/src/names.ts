/**
 * This project's semantic conventions: every attribute, instrument and event name we emit.
 * Instruments follow the OpenTelemetry naming rules (durations in seconds, unit `s`; counters
 * without a `.count`/`_total` suffix, which exporters add). People are shown milliseconds.
 */

/** Span and metric attribute: the pipeline stage (a {@link ComponentType} value). */
export const ATTR_COMPONENT = 'transcriber.component';
/** Span and metric attribute: the operation within the component, e.g. `transcribe`. */
export const ATTR_OPERATION = 'transcriber.operation';
/** Standard OTel attribute naming the class of a failure (the error's `name`). */
export const ATTR_ERROR_TYPE = 'error.type';
/**
 * Span attribute of an asynchronous operation: seconds the event loop was idle (waiting in the
 * poll for I/O and timers) while the operation was pending. The rest of its duration the loop was
 * busy — with it, or with other work. Absent on our spans where it is 0: a synchronous operation
 * holds the loop from start to end. Evidence that an operation computes, or waits.
 */
export const ATTR_OPERATION_LOOP_IDLE = 'transcriber.operation.loop_idle';

/**
 * `service.name` of the telemetry `transcriber benchmark` records while it runs bench files (a
 * pipeline benchmark's operations, its process's resources). Views leave this service out unless it
 * is asked for by name (`--service transcriber-benchmark`), so a benchmark run in an app's data
 * directory does not mix its synthetic turns into the app's own figures.
 */
export const BENCHMARK_SERVICE_NAME = 'transcriber-benchmark';

// Node.js runtime metrics recorded by the preload, under the OTel semantic-conventions names
// (`v8js.*`, `nodejs.*`); GC pauses go to METRIC_V8_GC_DURATION.
/** Attribute of the GC pause histogram: `major`, `minor`, `incremental` or `weakcb`. */
export const ATTR_V8JS_GC_TYPE = 'v8js.gc.type';
/** Gauge: share of the time the event loop was busy since the previous collection (0–1). */
export const METRIC_EVENT_LOOP_UTILIZATION = 'nodejs.eventloop.utilization';
/** Gauges per V8 heap space ({@link ATTR_V8JS_HEAP_SPACE_NAME}), bytes: in use, and the space's size. */
export const METRIC_V8JS_HEAP_USED = 'v8js.memory.heap.used';
export const METRIC_V8JS_HEAP_LIMIT = 'v8js.memory.heap.limit';
export const ATTR_V8JS_HEAP_SPACE_NAME = 'v8js.heap.space.name';

/** Histogram of operation durations, seconds. */
export const METRIC_OPERATION_DURATION = 'transcriber.operation.duration';
/** Counter of completed operations (successful or not). */
export const METRIC_OPERATIONS = 'transcriber.operations';
/** Counter of failed operations, with `error.type`. */
export const METRIC_OPERATION_ERRORS = 'transcriber.operation.errors';

/**
 * Bucket boundaries (seconds) for operation durations: voice pipelines live between a
 * millisecond (VAD frame) and tens of seconds (long LLM answers), with the interesting
 * decisions at 100 ms–1 s, so the buckets are denser there than the SDK's defaults.
 */
export const OPERATION_DURATION_BUCKETS_S: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 1, 1.5, 2, 3, 5, 7.5, 10,
  20, 30, 60,
]);

// Voice turns (see docs/architecture.md, "Voice turns"). A turn is the `pipeline` operation
// `turn`: one exchange from the user's speech to the agent's answer. Points inside it are marked
// as they happen (`handle.mark(MARK_…)`) by the turn or by any operation nested in it.
/** The operation of the `pipeline` component that makes a turn. */
export const TURN_OPERATION = 'turn';
/** Mark: the user started speaking (VAD). */
export const MARK_USER_SPEECH_START = 'user_speech_start';
/** Mark: the user stopped speaking (the last voiced audio; the latest one before the endpoint counts). */
export const MARK_USER_SPEECH_END = 'user_speech_end';
/** Mark: the endpointer decided the utterance is over (end of the user's turn). */
export const MARK_END_OF_UTTERANCE = 'end_of_utterance';
/** Mark: speech-to-text produced the final transcript. */
export const MARK_FINAL_TRANSCRIPT = 'final_transcript';
/** Mark: the first token (chunk) of the LLM's or the agent's answer. */
export const MARK_FIRST_TOKEN = 'first_token';
/** Mark: text-to-speech produced its first audio byte. */
export const MARK_FIRST_AUDIO_BYTE = 'first_audio_byte';
/** Mark: the first audio of the answer was played (handed to the output device). */
export const MARK_FIRST_AUDIO_PLAYED = 'first_audio_played';
/** Mark: the user interrupted the agent (barge-in); counted per turn. */
export const MARK_INTERRUPTION = 'interruption';

/**
 * The stages of a turn, in order. Each runs from one mark to the next, so together they add up to
 * the voice-to-voice latency (user speech end → first audio played).
 */
export const TURN_STAGE_ENDPOINTING = 'endpointing';
export const TURN_STAGE_TRANSCRIPTION = 'transcription';
export const TURN_STAGE_AGENT = 'agent';
export const TURN_STAGE_TTS = 'tts';
export const TURN_STAGE_PLAYOUT = 'playout';
/**
 * The part of voice-to-voice the stages above do not explain: time no stage's measurement covers
 * (a mark that was never made, a framework that reports no figure for a step, time between two
 * steps). Recorded so that the stages always add up to voice-to-voice.
 */
export const TURN_STAGE_UNEXPLAINED = 'unexplained';

/** Histogram and turn span attribute: user speech end → first audio played, seconds. */
export const METRIC_TURN_VOICE_TO_VOICE = 'transcriber.turn.voice_to_voice.duration';
/** Histogram of turn stage durations, seconds, with {@link ATTR_TURN_STAGE}. */
export const METRIC_TURN_STAGE_DURATION = 'transcriber.turn.stage.duration';
/** Metric attribute of {@link METRIC_TURN_STAGE_DURATION}: the stage (`endpointing`, …). */
export const ATTR_TURN_STAGE = 'transcriber.turn.stage';
/** Turn span attribute prefix: `transcriber.turn.<stage>.duration`, seconds, one per stage. */
export const ATTR_TURN_STAGE_PREFIX = 'transcriber.turn.';
/** Counter and turn span attribute: barge-ins during the turn. */
export const METRIC_TURN_INTERRUPTIONS = 'transcriber.turn.interruptions';
/**
 * Turn span attribute: where the turn came from — `transcriber` (our own marks), `livekit`,
 * `pipecat` (derived from those frameworks' spans, see the `frameworkSpans` entry).
 */
export const ATTR_TURN_SOURCE = 'transcriber.turn.source';
export const TURN_SOURCE_TRANSCRIBER = 'transcriber';
export const TURN_SOURCE_LIVEKIT = 'livekit';
export const TURN_SOURCE_PIPECAT = 'pipecat';
/**
 * Turn span attribute: the source framework's own voice-to-voice figure, seconds (LiveKit's
 * `lk.e2e_latency`, Pipecat's `turn.user_bot_latency_seconds`), kept beside ours to show where the
 * two disagree.
 */
export const ATTR_TURN_SOURCE_VOICE_TO_VOICE = 'transcriber.turn.source.voice_to_voice.duration';

// Usage an operation reports (`handle.addUsage(name, amount)`): summed per operation and per turn,
// set as span attributes on both. GenAI names from the OTel GenAI semantic conventions.
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** Seconds of audio given to speech-to-text (a histogram per turn too). */
export const ATTR_STT_AUDIO_DURATION = 'transcriber.stt.audio.duration';
/** Characters given to text-to-speech (a histogram per turn too). */
export const ATTR_TTS_CHARACTERS = 'transcriber.tts.characters';
/** Seconds of audio text-to-speech produced (a histogram per turn too). */
export const ATTR_TTS_AUDIO_DURATION = 'transcriber.tts.audio.duration';

// Derived when an operation ends from its marks and usage, and carried to its turn (the turn keeps
// the first operation's value, or the ratio of the sums for rates).
/** GenAI semconv histogram: request start → first chunk of a streamed answer, seconds. */
export const METRIC_GEN_AI_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
/** GenAI semconv span attribute of the same, seconds. */
export const ATTR_GEN_AI_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
/** Histogram and span attribute: output tokens ÷ seconds from the first token to the end. */
export const METRIC_LLM_OUTPUT_TOKENS_PER_SECOND = 'transcriber.llm.output_tokens_per_second';
/** Histogram and span attribute: TTS request start → first audio byte, seconds. */
export const METRIC_TTS_TIME_TO_FIRST_BYTE = 'transcriber.tts.time_to_first_byte';
/** Histogram and span attribute: STT processing time ÷ audio duration (≤ 1 keeps up with speech). */
export const METRIC_STT_REAL_TIME_FACTOR = 'transcriber.stt.real_time_factor';

// Figures a framework reports per component (LiveKit's `metrics_collected` events) that have no
// instrument above.
/** Histogram: average time of one VAD inference over a batch the framework reports, seconds. */
export const METRIC_VAD_INFERENCE_DURATION = 'transcriber.vad.inference.duration';
/**
 * Histogram: user speech end → end of utterance decided, seconds, as the framework measured it
 * (LiveKit's `endOfUtteranceDelayMs`). The turn's endpointing stage is the same span of time.
 */
export const METRIC_END_OF_UTTERANCE_DELAY = 'transcriber.turn.end_of_utterance_delay';
/**
 * Histogram: user speech end → final transcript, seconds, as the framework measured it (LiveKit's
 * `transcriptionDelayMs`). From the same point as the end-of-utterance delay: the two overlap.
 */
export const METRIC_TRANSCRIPTION_DELAY = 'transcriber.turn.transcription_delay';
/** Histogram: the agent's own code run on the user's completed turn (LiveKit's `on_user_turn_completed`), seconds. */
export const METRIC_ON_USER_TURN_COMPLETED_DURATION = 'transcriber.agent.on_user_turn_completed.duration';

// Resource gauges sampled by the monitor every `monitoringInterval`. Standard names where the
// OTel semantic conventions have one, ours where they do not.
/** Process CPU time over wall time since the last sample, all cores (1 = one core busy). */
export const METRIC_PROCESS_CPU_UTILIZATION = 'process.cpu.utilization';
/** Resident set size, bytes. */
export const METRIC_PROCESS_MEMORY_RSS = 'process.memory.usage';
/** V8 heap in use, bytes. */
export const METRIC_PROCESS_HEAP_USED = 'transcriber.process.heap.used';
/** V8 heap reserved (V8's heapTotal), bytes. Not `.total`: as a Prometheus gauge that reads as a counter. */
export const METRIC_PROCESS_HEAP_TOTAL = 'transcriber.process.heap.committed';
/** Memory of C++ objects bound to JS (Buffers included), bytes. */
export const METRIC_PROCESS_EXTERNAL = 'transcriber.process.memory.external';
/** Event-loop delay percentiles over the last interval, seconds. */
export const METRIC_EVENT_LOOP_DELAY_P50 = 'nodejs.eventloop.delay.p50';
export const METRIC_EVENT_LOOP_DELAY_P99 = 'nodejs.eventloop.delay.p99';
export const METRIC_EVENT_LOOP_DELAY_MAX = 'nodejs.eventloop.delay.max';
/** Whole-machine CPU utilisation (0–1). */
export const METRIC_SYSTEM_CPU_UTILIZATION = 'system.cpu.utilization';
/** Whole-machine memory in use and installed, bytes. */
export const METRIC_SYSTEM_MEMORY_USAGE = 'system.memory.usage';
export const METRIC_SYSTEM_MEMORY_LIMIT = 'system.memory.limit';

/** The resource gauges, in the order the snapshot table stores them. */
export const RESOURCE_GAUGES: readonly string[] = Object.freeze([
  METRIC_PROCESS_CPU_UTILIZATION,
  METRIC_PROCESS_MEMORY_RSS,
  METRIC_PROCESS_HEAP_USED,
  METRIC_PROCESS_HEAP_TOTAL,
  METRIC_PROCESS_EXTERNAL,
  METRIC_EVENT_LOOP_DELAY_P50,
  METRIC_EVENT_LOOP_DELAY_P99,
  METRIC_EVENT_LOOP_DELAY_MAX,
  METRIC_SYSTEM_CPU_UTILIZATION,
  METRIC_SYSTEM_MEMORY_USAGE,
  METRIC_SYSTEM_MEMORY_LIMIT,
]);

// The optimizer's model cache (`ModelCache`): one set of instruments, caches told apart by name.
/** Metric attribute: the name a `ModelCache` was given. */
export const ATTR_CACHE_NAME = 'transcriber.cache.name';
/** Metric attribute: why entries left a cache (`capacity`, `oversize`, `purge`). */
export const ATTR_CACHE_EVICTION_REASON = 'transcriber.cache.eviction_reason';
/** Counter of cache requests served without starting a load (cached, or joining a load in flight). */
export const METRIC_MODEL_CACHE_HITS = 'transcriber.model_cache.hits';
/** Counter of cache requests that started a load. */
export const METRIC_MODEL_CACHE_MISSES = 'transcriber.model_cache.misses';
/** Counter of entries removed from a cache, with the reason. */
export const METRIC_MODEL_CACHE_EVICTIONS = 'transcriber.model_cache.evictions';
/** Histogram of model load durations, seconds (failed loads carry `error.type`). */
export const METRIC_MODEL_CACHE_LOAD_DURATION = 'transcriber.model_cache.load.duration';

/**
 * V8 garbage-collection pauses, seconds: the OTel semantic-conventions name, recorded for example by
 * `@opentelemetry/instrumentation-runtime-node`. The optimizer reads it when it is there.
 */
export const METRIC_V8_GC_DURATION = 'v8js.gc.duration';

/** Instrumentation scope of everything this project records. */
export const INSTRUMENTATION_SCOPE = '@transcriber/instrumentation';

/**
 * Longest attribute value kept on spans and metric points, in UTF-16 code units (as the OTel JS SDK
 * counts), when OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT / OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT are not
 * set (OTel's own default is no limit: four senders of 8 MB values grew a database by 1.5 GiB in
 * 10 s). Longer values are cut, in-process and in `transcriber collect`.
 */
export const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 4096;
/**
 * The same for log records (our events) when OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT /
 * OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT are not set: their attributes are whole JSON documents (call
 * graphs, benchmark samples) that a cut would leave unreadable, so the bound is far higher.
 */
export const DEFAULT_EVENT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 1024 * 1024;
