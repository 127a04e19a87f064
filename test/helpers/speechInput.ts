/* eslint-disable @typescript-eslint/no-require-imports -- the main job's own script, plain JavaScript */
const { synthesizeConversation } = require('../../scripts/synthesizeConversation.js') as {
  synthesizeConversation: (file: string, segments: readonly Segment[]) => { say: string; start: number; end: number }[];
};

/** One piece of a test conversation: words spoken by espeak-ng, or seconds of silence. */
export type Segment = { say: string } | { silence: number };

/**
 * Writes what a microphone would hear into `file`: each phrase synthesised by espeak-ng at test
 * time, silences between them, concatenated by sox as 16 kHz 16-bit mono WAV (the main job's own
 * scripts/synthesizeConversation.js). Returns the start and end (seconds into the file) of each phrase.
 */
export function speechInput(file: string, segments: readonly Segment[]): { say: string; start: number; end: number }[] {
  return synthesizeConversation(file, segments);
}
