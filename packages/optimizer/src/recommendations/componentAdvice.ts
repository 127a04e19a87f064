/**
 * What usually shortens each component's latency in a voice agent (the recommendation's "how"), by
 * what its operations do with their time: compute on the event loop, or wait (for I/O, another
 * process or service, or the audio itself). Advice to compute faster rests on evidence that the
 * operations compute: a VAD that listens for the user to finish speaking was once told to use a
 * lighter model (it already used WebRTC VAD; its time was the user's speech).
 */
export interface LatencyAdvice {
  /** Its operations kept the event loop busy: they compute on the main thread. */
  computes: string;
  /** They mostly left the loop idle: they wait, and computing faster here would not help. */
  waits: string;
  /** No evidence either way (operations recorded by something other than our instrumentation). */
  unknown: string;
}

const profileFirst =
  'whether it computes or waits was not recorded (spans from another instrumentation): `transcriber profile --component` shows where its time goes';

export const LATENCY_ADVICE: Readonly<Record<string, LatencyAdvice>> = Object.freeze({
  audio_capture: {
    computes:
      'it computes in the capture path: keep work out of the capture callback and hand audio on in 10–30 ms chunks',
    waits:
      'it waits, as capture does for the audio to arrive: compare smaller chunks (10–30 ms) rather than faster code',
    unknown: `${profileFirst}; hand audio on in 10–30 ms chunks`,
  },
  vad: {
    computes:
      'it computes on the event loop: run VAD on 10–30 ms frames as they arrive instead of whole utterances, use a lighter model (WebRTC VAD, Silero on ONNX), or move it to a worker thread',
    waits:
      'its operations mostly wait (for audio, I/O or the user) rather than compute, so a lighter model would not shorten them: an operation that spans listening lasts as long as the user speaks. Time the per-frame detection to hold it to the budget, or give this operation a budget of its own (`budgets: { vad: { p95Ms } }`)',
    unknown: `${profileFirst}; a VAD should process 10–30 ms frames as they arrive`,
  },
  stt: {
    computes:
      'it computes on the event loop: move decoding to a worker thread, and use a smaller or faster model (faster-whisper, a smaller Whisper size)',
    waits:
      'it mostly waits for the recognizer (a service or another process): stream audio to it while the user speaks so the transcript is ready when they stop, and choose a faster model or a closer region for a service, a smaller model for a local engine',
    unknown: `${profileFirst}; stream audio to STT while the user speaks`,
  },
  agent: {
    computes:
      'it computes on the event loop: keep the agent’s own processing off the path to the first audio, or move it to a worker thread',
    waits:
      'it mostly waits (for the model and tools): call independent tools in parallel and start speaking at the first sentence',
    unknown: `${profileFirst}; call independent tools in parallel`,
  },
  llm: {
    computes:
      'it computes on the event loop (a local model in-process): move inference to a worker thread or a server, or use a smaller model',
    waits:
      'it mostly waits for the model: stream tokens into TTS as they arrive, shorten the prompt and context, use a smaller or faster model, cache frequent answers',
    unknown: `${profileFirst}; stream tokens into TTS as they arrive`,
  },
  tool: {
    computes: 'it computes on the event loop: move the work to a worker thread or cache its results',
    waits: 'it mostly waits for the tool: time out slow tools, call independent ones in parallel, cache their results',
    unknown: `${profileFirst}; time out slow tools and cache their results`,
  },
  tts: {
    computes: 'it computes on the event loop: move synthesis to a worker thread, or use a lighter voice',
    waits:
      'it mostly waits for synthesis: stream it sentence by sentence and start playback at the first audio, cache frequent phrases',
    unknown: `${profileFirst}; stream synthesis sentence by sentence`,
  },
  audio_output: {
    computes:
      'it computes in the playback path: keep work out of the playback callback and write audio in 10–30 ms chunks',
    waits:
      'it waits, as playback does for the audio to play: compare smaller chunks (10–30 ms) rather than faster code',
    unknown: `${profileFirst}; write audio in 10–30 ms chunks`,
  },
  pipeline: {
    computes: 'find the stage that dominates with `transcriber performance` and its slowest traces',
    waits: 'find the stage that dominates with `transcriber performance` and its slowest traces',
    unknown: 'find the stage that dominates with `transcriber performance` and its slowest traces',
  },
});

/**
 * Components whose operations, when they wait, wait for the audio itself (its arrival, its
 * playback, the user's speech): over budget that way, theirs is not a slowness to fix first.
 */
export const PACED_BY_AUDIO: ReadonlySet<string> = new Set(['audio_capture', 'vad', 'audio_output']);

export const ERROR_ADVICE =
  'retry transient failures (timeouts, rate limits) with backoff and a deadline, fall back to a second provider, and read the failing traces';
