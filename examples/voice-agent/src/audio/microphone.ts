import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { FRAME_MS, samplesPerFrame, sleep, type Frame } from './frame';
import { parseWavHeader, samplesOf } from './wav';

// Enough for any header sox or espeak-ng writes, with room for a LIST chunk.
const MAX_HEADER_BYTES = 4096;

/**
 * The agent's microphone: a WAV file (or `-` for a WAV stream on stdin) played in real time. Each
 * 20 ms frame is delivered when a sound card would have finished capturing it, counted from the
 * first one, so the rest of the agent sees the timing of a live conversation. Without `realTime`
 * the frames come as fast as they are read (to process a recording, or to benchmark).
 */
export class Microphone {
  private constructor(
    readonly sampleRate: number,
    private readonly chunks: AsyncIterator<Buffer>,
    private pending: Buffer,
    private readonly realTime: boolean,
  ) {}

  /** Opens the source and reads its WAV header (16-bit mono PCM). */
  static async open(source: string, options: { realTime?: boolean } = {}): Promise<Microphone> {
    const input: Readable = source === '-' ? process.stdin : fs.createReadStream(source);
    const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let pending = Buffer.alloc(0);
    for (;;) {
      const next = await chunks.next();
      if (next.done) throw new Error(`${source === '-' ? 'stdin' : source}: no WAV audio`);
      pending = Buffer.concat([pending, next.value]);
      const header = tryParseHeader(pending);
      if (header !== undefined) {
        return new Microphone(header.sampleRate, chunks, pending.subarray(header.dataOffset), options.realTime ?? true);
      }
    }
  }

  async *frames(): AsyncGenerator<Frame> {
    const frameBytes = samplesPerFrame(this.sampleRate) * 2;
    const startMs = performance.now();
    let delivered = 0;
    for (;;) {
      while (this.pending.length >= frameBytes) {
        const wait = startMs + (delivered + 1) * FRAME_MS - performance.now();
        if (this.realTime && wait > 0) await sleep(wait);
        yield { samples: samplesOf(this.pending.subarray(0, frameBytes)), sampleRate: this.sampleRate };
        this.pending = this.pending.subarray(frameBytes);
        delivered++;
      }
      const next = await this.chunks.next();
      if (next.done) return;
      this.pending = Buffer.concat([this.pending, next.value]);
    }
  }
}

function tryParseHeader(bytes: Buffer): ReturnType<typeof parseWavHeader> | undefined {
  if (bytes.length < 12) return undefined; // not even the RIFF header yet
  try {
    return parseWavHeader(bytes);
  } catch (err) {
    // The rest of the header has not arrived yet: wait for more, up to a limit.
    if (bytes.length < MAX_HEADER_BYTES && (err as Error).message.startsWith('WAV header incomplete')) return undefined;
    throw err;
  }
}
