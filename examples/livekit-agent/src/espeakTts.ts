import { AudioFrame } from '@livekit/rtc-node';
import { tts, type APIConnectOptions } from '@livekit/agents';
import { randomUUID } from 'node:crypto';
import { espeak, ESPEAK_SAMPLE_RATE } from './espeak.js';

const FRAME_SAMPLES = ESPEAK_SAMPLE_RATE / 50; // 20 ms

/**
 * A LiveKit TTS on espeak-ng: real, offline speech synthesis. Not streaming (espeak-ng takes a whole
 * text), so LiveKit runs it sentence by sentence behind its stream adapter, as it does any such TTS.
 */
export class EspeakTTS extends tts.TTS {
  label = 'espeak-ng';

  constructor(private readonly voice = 'en-us') {
    super(ESPEAK_SAMPLE_RATE, 1, { streaming: false });
  }

  override get provider(): string {
    return 'espeak-ng';
  }

  override get model(): string {
    return this.voice;
  }

  synthesize(text: string, connOptions?: APIConnectOptions, abortSignal?: AbortSignal): tts.ChunkedStream {
    return new EspeakStream(text, this, this.voice, connOptions, abortSignal);
  }

  stream(): tts.SynthesizeStream {
    throw new Error('espeak-ng synthesises whole texts: LiveKit wraps it in its StreamAdapter');
  }
}

class EspeakStream extends tts.ChunkedStream {
  label = 'espeak-ng.ChunkedStream';

  constructor(
    text: string,
    engine: EspeakTTS,
    private readonly voice: string,
    connOptions?: APIConnectOptions,
    abortSignal?: AbortSignal,
  ) {
    super(text, engine, connOptions, abortSignal);
  }

  protected async run(): Promise<void> {
    const requestId = randomUUID();
    let frame = new Int16Array(FRAME_SAMPLES);
    let filled = 0;
    const put = (final: boolean) => {
      const audio = new AudioFrame(frame.slice(0, filled), ESPEAK_SAMPLE_RATE, 1, filled);
      this.queue.put({ requestId, segmentId: requestId, frame: audio, final });
      frame = new Int16Array(FRAME_SAMPLES);
      filled = 0;
    };
    for await (const samples of espeak(this.inputText, { voice: this.voice, signal: this.abortSignal })) {
      for (let i = 0; i < samples.length;) {
        const n = Math.min(samples.length - i, FRAME_SAMPLES - filled);
        frame.set(samples.subarray(i, i + n), filled);
        filled += n;
        i += n;
        if (filled === FRAME_SAMPLES) put(false);
      }
    }
    if (filled > 0) put(true);
  }
}
