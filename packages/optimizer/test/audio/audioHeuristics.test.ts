import { parseAudioSettings } from '@transcriber/optimizer';
import { heuristicAudioSettings } from '../../src/audio/audioHeuristics';

const bigHost = { cores: 8, totalMemoryMb: 16384, freeMemoryMb: 8000 };
const smallHost = { cores: 2, totalMemoryMb: 2048, freeMemoryMb: 900 };

describe('heuristicAudioSettings', () => {
  it('downmixes to mono, resamples to 16 kHz and shortens a long chunk to 30 ms, saying why', () => {
    const current = parseAudioSettings({ sample_rate: 48000, chunk_size: 4096, channels: 2 });
    const { settings, reasons } = heuristicAudioSettings(current, bigHost);
    expect(settings).toEqual({ sampleRate: 16000, chunkSize: 480, channels: 1, chunkDurationMs: 30 });
    expect(reasons.join('\n')).toMatch(/channels 2 → 1/);
    expect(reasons.join('\n')).toMatch(/sampleRate 48000 → 16000 Hz/);
    expect(reasons.join('\n')).toMatch(/chunk 85.33 ms → 30 ms/);
    expect(reasons.join('\n')).toMatch(/memory does not constrain/);
  });

  it('lengthens very short chunks, to 20 ms on 2 cores but only 10 ms on 8', () => {
    const current = parseAudioSettings({ sampleRate: 16000, chunkDurationMs: 5 });
    expect(heuristicAudioSettings(current, smallHost).settings.chunkDurationMs).toBe(20);
    expect(heuristicAudioSettings(current, bigHost).settings.chunkDurationMs).toBe(10);
    expect(heuristicAudioSettings(current, smallHost).reasons.join('\n')).toMatch(/2 core\(s\)/);
  });

  it('keeps settings that already follow the rules, and never upsamples', () => {
    const current = parseAudioSettings({ sampleRate: 8000, chunkSize: 160 });
    const { settings, reasons } = heuristicAudioSettings(current, smallHost);
    expect(settings).toEqual(current);
    expect(reasons.join('\n')).toMatch(/8000 Hz kept: upsampling adds no information/);
  });
});
