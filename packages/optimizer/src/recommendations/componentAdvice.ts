/** What usually shortens each component's latency in a voice agent (the recommendation's "how"). */
export const LATENCY_ADVICE: Readonly<Record<string, string>> = Object.freeze({
  audio_capture: 'keep work out of the capture callback and hand audio on in 10–30 ms chunks',
  vad: 'run VAD on 10–30 ms frames as they arrive instead of whole utterances, use a lighter model (WebRTC VAD, Silero on ONNX), or move it to a worker thread',
  stt: 'stream audio to STT while the user speaks so the transcript is ready when they stop, use a smaller or faster model (faster-whisper, a smaller Whisper size), or a provider region closer to the app',
  agent: 'call independent tools in parallel and keep the agent’s own processing off the path to the first audio',
  llm: 'stream tokens into TTS as they arrive, shorten the prompt and context, use a smaller or faster model, cache frequent answers',
  tool: 'time out slow tools, call independent ones in parallel, cache their results',
  tts: 'stream synthesis sentence by sentence and start playback at the first audio, cache frequent phrases',
  audio_output: 'keep work out of the playback callback and write audio in 10–30 ms chunks',
  pipeline: 'find the stage that dominates with `transcriber performance` and its slowest traces',
});

export const ERROR_ADVICE =
  'retry transient failures (timeouts, rate limits) with backoff and a deadline, fall back to a second provider, and read the failing traces';
