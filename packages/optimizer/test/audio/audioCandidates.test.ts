import { DEFAULT_CHUNK_DURATIONS_MS, OptimizerInputError, parseAudioSettings } from '@transcriber/optimizer';
import { audioCandidates } from '../../src/audio/audioCandidates';

describe('audioCandidates', () => {
  it('puts the current settings first, then the default chunk durations at the current rate', () => {
    const current = parseAudioSettings({ sampleRate: 16000, chunkSize: 1024 });
    const candidates = audioCandidates(current);
    expect(candidates[0]).toEqual(current);
    expect(candidates.slice(1).map((c) => c.chunkDurationMs)).toEqual([...DEFAULT_CHUNK_DURATIONS_MS]);
    expect(new Set(candidates.map((c) => c.sampleRate))).toEqual(new Set([16000]));
  });

  it('adds 16 kHz for higher rates, never a lower one, and keeps the channels', () => {
    const current = parseAudioSettings({ sampleRate: 48000, chunkDurationMs: 20, channels: 2 });
    const candidates = audioCandidates(current);
    expect(new Set(candidates.map((c) => c.sampleRate))).toEqual(new Set([48000, 16000]));
    expect(candidates.every((c) => c.channels === 2)).toBe(true);
    // 48 kHz × 20 ms is the current setting: listed once.
    expect(candidates.filter((c) => c.sampleRate === 48000 && c.chunkSize === 960)).toHaveLength(1);
  });

  it('takes chunk sizes in frames and rates as given', () => {
    const current = parseAudioSettings({ sampleRate: 16000, chunkSize: 512 });
    const candidates = audioCandidates(current, { sampleRates: [8000, 16000], chunkSizes: [256] });
    expect(candidates.map((c) => `${c.sampleRate}/${c.chunkSize}`)).toEqual(['16000/512', '8000/256', '16000/256']);
  });

  it('rejects bad candidates naming them', () => {
    const current = parseAudioSettings({ sampleRate: 16000, chunkSize: 512 });
    expect(() => audioCandidates(current, { sampleRates: [1000] })).toThrow(
      /candidate 1000 Hz × 10 ms: invalid sampleRate 1000/,
    );
    expect(() => audioCandidates(current, { chunkSizes: 'big' as unknown as number[] })).toThrow(OptimizerInputError);
    const many = Array.from({ length: 70 }, (_, i) => i + 1);
    expect(() => audioCandidates(current, { chunkSizes: many })).toThrow(/at most 64/);
  });
});
