import { OptimizerInputError, parseAudioSettings } from '@transcriber/optimizer';

describe('parseAudioSettings', () => {
  it('accepts the documented snake_case keys of the Python project and completes the duration', () => {
    expect(parseAudioSettings({ sample_rate: 16000, chunk_size: 1024, channels: 1 })).toEqual({
      sampleRate: 16000,
      chunkSize: 1024,
      channels: 1,
      chunkDurationMs: 64,
    });
  });

  it('accepts camelCase, a chunk given by duration, and defaults to mono', () => {
    expect(parseAudioSettings({ sampleRate: 48000, chunkDurationMs: 20 })).toEqual({
      sampleRate: 48000,
      chunkSize: 960,
      channels: 1,
      chunkDurationMs: 20,
    });
  });

  it('accepts chunk size and duration together when they agree', () => {
    expect(parseAudioSettings({ sampleRate: 16000, chunkSize: 320, chunkDurationMs: 20 }).chunkSize).toBe(320);
  });

  it.each([
    [
      { sampleRate: 16000, chunkSize: 320, bufferSize: 4 },
      /unknown audio setting "bufferSize": accepted are sampleRate \(sample_rate\)/,
    ],
    [{ chunkSize: 320 }, /need sampleRate/],
    [{ sampleRate: 16000 }, /need chunkSize \(chunk_size, frames\) or chunkDurationMs/],
    [
      { sampleRate: 44100.5, chunkSize: 320 },
      /invalid sampleRate 44100.5: expected a whole number of Hz from 8000 to 192000/,
    ],
    [{ sample_rate: '16000', chunk_size: 320 }, /invalid sample_rate \(sampleRate\) "16000"/],
    [{ sampleRate: 4000, chunkSize: 320 }, /invalid sampleRate 4000/],
    [{ sampleRate: 16000, chunkSize: 0 }, /invalid chunkSize 0: expected a whole number of frames from 1 to 160000/],
    [{ sampleRate: 16000, chunkSize: 320, channels: 0 }, /invalid channels 0/],
    [{ sampleRate: 16000, chunkDurationMs: -5 }, /invalid chunkDurationMs -5/],
    [
      { sampleRate: 16000, chunkSize: 1024, chunkDurationMs: 20 },
      /chunkSize 1024 at 16000 Hz is 64 ms, not chunkDurationMs 20/,
    ],
    [
      { sampleRate: 16000, sample_rate: 8000, chunkSize: 320 },
      /given twice with different values: sampleRate=16000, sample_rate=8000/,
    ],
    [[16000, 320], /must be an object/],
    [null, /must be an object/],
  ])('rejects %j clearly', (input, message) => {
    expect(() => parseAudioSettings(input)).toThrow(OptimizerInputError);
    expect(() => parseAudioSettings(input)).toThrow(message);
  });
});
