'use strict';
// What a microphone would hear, synthesised: each phrase spoken by espeak-ng, silences between them,
// concatenated by sox as 16 kHz 16-bit mono WAV (what the example voice agent listens to). Used by
// the main job (scripts/main-job.js) and the tests (test/helpers/speechInput.ts).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/**
 * Writes the conversation `segments` ({ say: 'words' } or { silence: seconds }) into `file`.
 * Returns the start and end (seconds into the file) of each phrase.
 */
function synthesizeConversation(file, segments) {
  const dir = fs.mkdtempSync(`${file}.parts-`);
  try {
    const parts = [];
    const phrases = [];
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
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { synthesizeConversation };
