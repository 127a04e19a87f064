import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { parseWavHeader, samplesOf } from '../audio/wav';

/** espeak-ng's voices speak at 22.05 kHz. */
export const ESPEAK_SAMPLE_RATE = 22050;

export interface VoiceOptions {
  /** espeak-ng voice, e.g. `en-us`. */
  voice?: string;
  wordsPerMinute?: number;
  /** The espeak-ng binary (Debian package `espeak-ng`). */
  command?: string;
}

/** Offline text-to-speech with espeak-ng, streamed: audio comes out while the rest is synthesised. */
export class Voice {
  readonly sampleRate = ESPEAK_SAMPLE_RATE;

  constructor(private readonly options: VoiceOptions = {}) {}

  /** Starts synthesising `text` at once; iterate the result for its audio. */
  synthesize(text: string): SpeechStream {
    const command = this.options.command ?? 'espeak-ng';
    const args = ['--stdout', '-v', this.options.voice ?? 'en-us', '-s', String(this.options.wordsPerMinute ?? 175)];
    // The text goes in on stdin, so nothing in it can be taken for an option.
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // A failed start shows as the process's error (see SpeechStream); the pipe's own is the same news.
    child.stdin.on('error', () => undefined);
    child.stdin.end(text);
    return new SpeechStream(child, command);
  }

  /** The audio of every sentence in turn. */
  async *speak(sentences: AsyncIterable<string>): AsyncGenerator<Int16Array> {
    for await (const sentence of sentences) yield* this.synthesize(sentence);
  }
}

/** The audio of one synthesis as it is produced (16-bit mono PCM at ESPEAK_SAMPLE_RATE). */
export class SpeechStream implements AsyncIterable<Int16Array> {
  /** Seconds of audio produced so far. */
  durationSeconds = 0;
  private readonly failure: Promise<Error | undefined>;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    command: string,
  ) {
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    this.failure = new Promise((resolve) => {
      child.on('error', (err: NodeJS.ErrnoException) =>
        resolve(new Error(err.code === 'ENOENT' ? `${command} is not installed (Debian: espeak-ng)` : err.message)),
      );
      child.on('close', (code) => resolve(code === 0 ? undefined : new Error(`${command} failed: ${stderr.trim()}`)));
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Int16Array> {
    let pending = Buffer.alloc(0);
    let headerRead = false;
    try {
      for await (const chunk of this.child.stdout) {
        pending = Buffer.concat([pending, chunk as Buffer]);
        if (!headerRead) {
          if (pending.length < 44) continue;
          const header = parseWavHeader(pending);
          if (header.sampleRate !== ESPEAK_SAMPLE_RATE) throw new Error(`espeak-ng spoke at ${header.sampleRate} Hz`);
          pending = pending.subarray(header.dataOffset);
          headerRead = true;
        }
        const whole = pending.length & ~1;
        if (whole === 0) continue;
        const samples = samplesOf(pending.subarray(0, whole));
        pending = pending.subarray(whole);
        this.durationSeconds += samples.length / ESPEAK_SAMPLE_RATE;
        yield samples;
      }
      const error = await this.failure;
      if (error !== undefined) throw error;
    } finally {
      // Stopped early (the user interrupted): no need to finish the sentence.
      if (this.child.exitCode === null) this.child.kill();
    }
  }
}
