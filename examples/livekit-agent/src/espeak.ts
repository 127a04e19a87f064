import { spawn } from 'node:child_process';

/** espeak-ng's voices speak at 22.05 kHz, 16-bit mono. */
export const ESPEAK_SAMPLE_RATE = 22050;
const WAV_HEADER_BYTES = 44;

export interface EspeakOptions {
  voice?: string;
  wordsPerMinute?: number;
  signal?: AbortSignal;
}

/**
 * Synthesises `text` with espeak-ng (Debian package `espeak-ng`) and yields its samples as they are
 * produced. The text goes in on stdin, so nothing in it can be taken for an option.
 */
export async function* espeak(text: string, options: EspeakOptions = {}): AsyncGenerator<Int16Array> {
  const args = ['--stdout', '-v', options.voice ?? 'en-us', '-s', String(options.wordsPerMinute ?? 175)];
  const child = spawn('espeak-ng', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const onAbort = () => child.kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new Error('espeak-ng is not installed (Debian: apt-get install espeak-ng)') : err),
    );
    child.on('close', (code, signal) =>
      code === 0 || signal !== null ? resolve() : reject(new Error(`espeak-ng failed: ${stderr.trim()}`)),
    );
  });
  child.stdin.on('error', () => undefined); // a failed start is reported by `exited`
  child.stdin.end(text);
  try {
    let pending: Buffer = Buffer.alloc(0);
    let headerRead = false;
    for await (const chunk of child.stdout) {
      pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
      if (!headerRead) {
        if (pending.length < WAV_HEADER_BYTES) continue;
        checkHeader(pending);
        pending = pending.subarray(WAV_HEADER_BYTES);
        headerRead = true;
      }
      const whole = pending.length & ~1;
      if (whole === 0) continue;
      const samples = new Int16Array(whole / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = pending.readInt16LE(i * 2);
      pending = pending.subarray(whole);
      yield samples;
    }
    await exited;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null) child.kill();
  }
}

/** espeak-ng writes a canonical 44-byte header: 16-bit mono PCM at 22.05 kHz. */
function checkHeader(header: Buffer): void {
  const ok =
    header.toString('ascii', 0, 4) === 'RIFF' &&
    header.toString('ascii', 8, 12) === 'WAVE' &&
    header.toString('ascii', 36, 40) === 'data' &&
    header.readUInt16LE(22) === 1 &&
    header.readUInt32LE(24) === ESPEAK_SAMPLE_RATE &&
    header.readUInt16LE(34) === 16;
  if (!ok) throw new Error('espeak-ng did not write 16-bit mono PCM at 22.05 kHz');
}
