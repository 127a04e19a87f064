import { AudioFrame } from '@livekit/rtc-node';
import { voice } from '@livekit/agents';
import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';

const FRAME_MS = 20;

/**
 * The user's microphone: plays a recording into the session in real time, 20 ms frames at the
 * pace a sound card would deliver them (by the wall clock, so a late timer catches up), then
 * silence until it is stopped.
 */
export class Microphone extends voice.AudioInput {
  private controller!: ReadableStreamDefaultController<AudioFrame>;
  private timer: NodeJS.Timeout | undefined;
  private readonly frameSamples: number;

  constructor(
    private readonly samples: Int16Array,
    private readonly sampleRate: number,
  ) {
    super();
    this.frameSamples = (sampleRate * FRAME_MS) / 1000;
    this.multiStream.addInputStream(
      new ReadableStream<AudioFrame>({
        start: (controller) => {
          this.controller = controller;
        },
      }),
    );
  }

  /** Seconds of recording. */
  get durationSeconds(): number {
    return this.samples.length / this.sampleRate;
  }

  /** Starts delivering frames; resolves when the whole recording has been delivered. */
  play(): Promise<void> {
    const started = performance.now();
    let sent = 0;
    return new Promise((resolve) => {
      this.timer = setInterval(() => {
        const due = Math.floor((performance.now() - started) / FRAME_MS);
        for (; sent < due; sent++) {
          const from = sent * this.frameSamples;
          const data = new Int16Array(this.frameSamples);
          if (from < this.samples.length) data.set(this.samples.subarray(from, from + this.frameSamples));
          this.controller.enqueue(new AudioFrame(data, this.sampleRate, 1, this.frameSamples));
          if (from + this.frameSamples >= this.samples.length && from < this.samples.length) resolve();
        }
      }, FRAME_MS);
    });
  }

  stop(): void {
    clearInterval(this.timer);
    try {
      this.controller.close();
    } catch {
      // already closed by the session
    }
  }
}
