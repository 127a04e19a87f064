import type { AudioFrame } from '@livekit/rtc-node';
import { voice } from '@livekit/agents';
import { openSync, writeSync, closeSync } from 'node:fs';

/**
 * The agent's loudspeaker: takes the agent's audio as LiveKit hands it over (faster than real
 * time) and plays it out in real time, telling LiveKit when playback starts, when a segment has
 * played to its end, and how far it got when the user interrupted (`clearBuffer`). What was heard
 * can be written to a WAV file.
 */
export class Speaker extends voice.AudioOutput {
  private segmentStartMs = 0;
  private segmentSeconds = 0;
  private playing = false;
  private finishTimer: NodeJS.Timeout | undefined;
  private readonly file: number | undefined;
  private bytesWritten = 0;

  constructor(sampleRate: number, outputPath?: string) {
    super(sampleRate);
    if (outputPath !== undefined) {
      this.file = openSync(outputPath, 'w');
      writeSync(this.file, wavHeader(sampleRate, 0));
    }
  }

  override async captureFrame(frame: AudioFrame): Promise<void> {
    await super.captureFrame(frame);
    if (!this.playing) {
      this.playing = true;
      this.segmentStartMs = Date.now();
      this.segmentSeconds = 0;
      this.onPlaybackStarted(this.segmentStartMs);
    }
    this.segmentSeconds += frame.samplesPerChannel / frame.sampleRate;
    if (this.file !== undefined) {
      this.bytesWritten += writeSync(
        this.file,
        Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength),
      );
    }
  }

  /** The segment is complete: it has finished playing when its audio has had the time to play. */
  override flush(): void {
    super.flush();
    if (!this.playing) return;
    const seconds = this.segmentSeconds;
    const left = Math.max(0, this.segmentStartMs + seconds * 1000 - Date.now());
    this.finishTimer = setTimeout(() => this.finish(seconds, false), left);
  }

  /** The user interrupted: playback stops where it is. */
  clearBuffer(): void {
    if (!this.playing) return;
    clearTimeout(this.finishTimer);
    this.finish(Math.min(this.segmentSeconds, (Date.now() - this.segmentStartMs) / 1000), true);
  }

  close(): void {
    clearTimeout(this.finishTimer);
    if (this.file === undefined) return;
    writeSync(this.file, wavHeader(this.sampleRate ?? 0, this.bytesWritten), 0, 44, 0);
    closeSync(this.file);
  }

  private finish(playbackPosition: number, interrupted: boolean): void {
    this.playing = false;
    this.finishTimer = undefined;
    this.onPlaybackFinished({ playbackPosition, interrupted });
  }
}

function wavHeader(sampleRate: number, dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
