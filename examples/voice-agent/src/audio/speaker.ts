import * as fs from 'node:fs';
import { FRAME_MS, samplesPerFrame, sleep } from './frame';
import { WAV_HEADER_BYTES, wavHeader } from './wav';

/** How a playback ended. */
export interface Playback {
  playedSeconds: number;
  interrupted: boolean;
}

/**
 * The agent's loudspeaker: a WAV file written in real time. Time runs from the moment the speaker
 * is opened, and silence fills the gaps between answers, so the file lines up with the
 * microphone's input second for second. A frame counts as played when it is written. Without
 * `realTime` frames are written as they come, one after the other (to process a recording, or to
 * benchmark).
 */
export class Speaker {
  private readonly fd: number;
  private readonly frameSamples: number;
  private readonly openedMs = performance.now();
  private writtenFrames = 0;

  constructor(
    path: string,
    private readonly sampleRate: number,
    private readonly options: { realTime?: boolean } = {},
  ) {
    this.fd = fs.openSync(path, 'w');
    fs.writeSync(this.fd, wavHeader({ sampleRate }, 0));
    this.frameSamples = samplesPerFrame(sampleRate);
  }

  /**
   * Plays audio as it arrives, one 20 ms frame at a time at real-time pace, until it ends or
   * `signal` aborts (the user barged in).
   */
  async play(audio: AsyncIterable<Int16Array>, signal?: AbortSignal): Promise<Playback> {
    let carry: Int16Array = new Int16Array(0);
    let frames = 0;
    for await (const chunk of audio) {
      let samples: Int16Array = concat(carry, chunk);
      while (samples.length >= this.frameSamples) {
        if (signal?.aborted) return { playedSeconds: (frames * FRAME_MS) / 1000, interrupted: true };
        await this.write(samples.subarray(0, this.frameSamples));
        frames++;
        samples = samples.subarray(this.frameSamples);
      }
      carry = samples;
    }
    if (carry.length > 0 && !signal?.aborted) {
      const last = new Int16Array(this.frameSamples);
      last.set(carry);
      await this.write(last);
      frames++;
    }
    return { playedSeconds: (frames * FRAME_MS) / 1000, interrupted: signal?.aborted === true };
  }

  /** Writes one frame when the device is ready for it: right away after a pause, else at frame pace. */
  async write(frame: Int16Array): Promise<void> {
    if (this.options.realTime === false) {
      fs.writeSync(this.fd, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
      this.writtenFrames++;
      return;
    }
    const nowFrame = Math.floor((performance.now() - this.openedMs) / FRAME_MS);
    if (nowFrame > this.writtenFrames) this.writeSilence(nowFrame - this.writtenFrames);
    else {
      const wait = this.openedMs + this.writtenFrames * FRAME_MS - performance.now();
      if (wait > 0) await sleep(wait);
    }
    fs.writeSync(this.fd, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    this.writtenFrames++;
  }

  /** Pads the file with silence up to now and fixes the header's sizes. */
  close(): void {
    const nowFrame = Math.floor((performance.now() - this.openedMs) / FRAME_MS);
    if (this.options.realTime !== false && nowFrame > this.writtenFrames)
      this.writeSilence(nowFrame - this.writtenFrames);
    const dataBytes = this.writtenFrames * this.frameSamples * 2;
    fs.writeSync(this.fd, wavHeader({ sampleRate: this.sampleRate }, dataBytes), 0, WAV_HEADER_BYTES, 0);
    fs.closeSync(this.fd);
  }

  private writeSilence(frames: number): void {
    fs.writeSync(this.fd, Buffer.alloc(frames * this.frameSamples * 2));
    this.writtenFrames += frames;
  }
}

function concat(a: Int16Array, b: Int16Array): Int16Array {
  if (a.length === 0) return b;
  const out = new Int16Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
