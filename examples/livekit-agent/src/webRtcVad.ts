import type { FvadModule } from '@echogarden/fvad-wasm';
import type { AudioFrame } from '@livekit/rtc-node';
import { VAD, VADEventType, VADStream, type VADEvent } from '@livekit/agents';

export interface WebRtcVADOptions {
  /** How eagerly a frame is called speech: 0 (quality) to 3 (very aggressive). */
  mode?: 0 | 1 | 2 | 3;
  /** Voiced audio needed to start speech, ms. */
  minSpeechMs?: number;
  /** Silence needed to end speech, ms. */
  minSilenceMs?: number;
}

const FRAME_MS = 20;

/** A LiveKit VAD on WebRTC VAD (libfvad compiled to WebAssembly), on 20 ms frames of 16 kHz audio. */
export class WebRtcVAD extends VAD {
  label = 'webrtc-vad';

  private constructor(
    private readonly fvad: FvadModule,
    private readonly options: Required<WebRtcVADOptions>,
  ) {
    super({ updateInterval: FRAME_MS });
  }

  static async load(options: WebRtcVADOptions = {}): Promise<WebRtcVAD> {
    const { default: createModule } = await import('@echogarden/fvad-wasm');
    return new WebRtcVAD(await createModule(), { mode: 2, minSpeechMs: 100, minSilenceMs: 400, ...options });
  }

  override get minSilenceDuration(): number {
    return this.options.minSilenceMs;
  }

  stream(): VADStream {
    return new WebRtcVADStream(this, this.fvad, this.options);
  }
}

class WebRtcVADStream extends VADStream {
  private readonly instance: number;
  private readonly buffer: number;
  private readonly frameSamples = (16000 * FRAME_MS) / 1000;

  constructor(
    vad: WebRtcVAD,
    private readonly fvad: FvadModule,
    private readonly options: Required<WebRtcVADOptions>,
  ) {
    super(vad);
    this.instance = fvad._fvad_new();
    if (this.instance === 0 || fvad._fvad_set_sample_rate(this.instance, 16000) !== 0) {
      throw new Error('WebRTC VAD could not start');
    }
    fvad._fvad_set_mode(this.instance, options.mode);
    this.buffer = fvad._malloc(this.frameSamples * 2);
    this.run().catch((err: unknown) => {
      if (!this.closed) this.logger.error({ err }, 'WebRTC VAD stopped');
    });
  }

  private async run(): Promise<void> {
    const pending = new Int16Array(this.frameSamples);
    let filled = 0;
    let speaking = false;
    let speechMs = 0;
    let silenceMs = 0;
    let samplesIndex = 0;
    let speechFrames: AudioFrame[] = [];
    try {
      for (;;) {
        const { done, value } = await this.inputReader.read();
        if (done) break;
        if (typeof value === 'symbol') {
          // A flush: the next frame starts a new segment.
          filled = 0;
          speaking = false;
          speechMs = silenceMs = 0;
          speechFrames = [];
          continue;
        }
        if (value.sampleRate !== 16000)
          throw new Error(`WebRTC VAD here takes 16 kHz audio, not ${value.sampleRate} Hz`);
        speechFrames.push(value);
        for (let i = 0; i < value.data.length;) {
          const n = Math.min(value.data.length - i, this.frameSamples - filled);
          pending.set(value.data.subarray(i, i + n), filled);
          filled += n;
          i += n;
          if (filled < this.frameSamples) continue;
          filled = 0;
          samplesIndex += this.frameSamples;
          const started = performance.now();
          this.fvad.HEAP16.set(pending, this.buffer >> 1);
          const voiced = this.fvad._fvad_process(this.instance, this.buffer, this.frameSamples) === 1;
          const inferenceDuration = performance.now() - started;
          if (voiced) {
            speechMs += FRAME_MS;
            silenceMs = 0;
          } else {
            silenceMs += FRAME_MS;
            if (!speaking) speechMs = 0;
          }
          const event = (type: VADEventType): VADEvent => ({
            type,
            samplesIndex,
            timestamp: Date.now(),
            speechDuration: speechMs,
            silenceDuration: silenceMs,
            frames: type === VADEventType.INFERENCE_DONE ? [] : speechFrames,
            probability: voiced ? 1 : 0,
            inferenceDuration,
            speaking,
            rawAccumulatedSilence: silenceMs,
            rawAccumulatedSpeech: voiced ? speechMs : 0,
          });
          if (!speaking && speechMs >= this.options.minSpeechMs) {
            speaking = true;
            this.sendVADEvent(event(VADEventType.START_OF_SPEECH));
          } else if (speaking && silenceMs >= this.options.minSilenceMs) {
            speaking = false;
            this.sendVADEvent(event(VADEventType.END_OF_SPEECH));
            speechMs = 0;
            speechFrames = [];
          }
          this.sendVADEvent(event(VADEventType.INFERENCE_DONE));
          if (!speaking && !voiced) speechFrames = [];
        }
      }
    } finally {
      this.fvad._free(this.buffer);
      this.fvad._fvad_free(this.instance);
    }
  }
}
