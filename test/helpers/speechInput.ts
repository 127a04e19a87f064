import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { makeTempDir } from './tempDir';

/** One piece of a test conversation: words spoken by espeak-ng, or seconds of silence. */
export type Segment = { say: string } | { silence: number };

/**
 * Writes what a microphone would hear into `file`: each phrase synthesised by espeak-ng at test
 * time, silences between them, concatenated by sox as 16 kHz 16-bit mono WAV. Returns the start
 * and end (seconds into the file) of each phrase.
 */
export function speechInput(file: string, segments: readonly Segment[]): { say: string; start: number; end: number }[] {
  const dir = makeTempDir('transcriber-speech-parts-');
  const parts: string[] = [];
  const phrases: { say: string; start: number; end: number }[] = [];
  let at = 0;
  segments.forEach((segment, i) => {
    const part = path.join(dir, `${i}.wav`);
    if ('say' in segment) {
      const raw = path.join(dir, `${i}-espeak.wav`);
      execFileSync('espeak-ng', ['-w', raw, segment.say]);
      execFileSync('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', part]);
    } else {
      execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', part, 'trim', '0', String(segment.silence)]);
    }
    const seconds = Number(execFileSync('soxi', ['-D', part], { encoding: 'utf8' }));
    if ('say' in segment) phrases.push({ say: segment.say, start: at, end: at + seconds });
    at += seconds;
    parts.push(part);
  });
  execFileSync('sox', [...parts, file]);
  return phrases;
}
