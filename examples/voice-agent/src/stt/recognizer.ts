import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bytesOf, wavHeader } from '../audio/wav';
import type { Utterance } from '../vad/listener';

export interface RecognizerOptions {
  /** JSGF grammar of the sentences to recognise; without one, pocketsphinx's general English model. */
  grammar?: string;
  /** The pocketsphinx_continuous binary (Debian package `pocketsphinx`). */
  command?: string;
}

/** The grammar shipped with the example, next to its build output. */
export const DEFAULT_GRAMMAR = path.join(__dirname, '..', '..', 'grammar', 'commands.gram');

/**
 * Offline speech-to-text with CMU pocketsphinx (its US English model, Debian package
 * `pocketsphinx-en-us`): each utterance is written to a WAV file and decoded by
 * `pocketsphinx_continuous`.
 */
export class Recognizer {
  private readonly workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'voice-agent-stt-'));
  private count = 0;

  constructor(private readonly options: RecognizerOptions = {}) {}

  async transcribe(utterance: Utterance): Promise<string> {
    if (utterance.sampleRate !== 16000) throw new Error('pocketsphinx needs 16 kHz audio');
    const file = path.join(this.workDir, `utterance-${++this.count}.wav`);
    fs.writeFileSync(
      file,
      Buffer.concat([wavHeader(utterance, utterance.samples.byteLength), bytesOf(utterance.samples)]),
    );
    const args = ['-infile', file, '-logfn', '/dev/null'];
    if (this.options.grammar !== undefined) args.push('-jsgf', this.options.grammar);
    try {
      const stdout = await run(this.options.command ?? 'pocketsphinx_continuous', args);
      // One line per segment pocketsphinx found in the utterance.
      return stdout
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .join(' ');
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  close(): void {
    fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null) {
        const detail =
          (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed (Debian: pocketsphinx)' : stderr.trim();
        reject(new Error(`${command} failed: ${detail || error.message}`));
      } else {
        resolve(stdout);
      }
    });
  });
}
