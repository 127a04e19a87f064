import type { AudioSettings } from './audioSettings';

/**
 * Chunks of a speech-like test signal for `settings` (interleaved float samples in -1..1): a
 * voiced tone at 140 Hz with harmonics and a syllable-rate envelope, plus low noise from a fixed
 * seed, so every candidate and every run processes the same kind of audio.
 */
export function testSignalChunks(settings: AudioSettings, count: number): Float32Array[] {
  const { sampleRate, chunkSize, channels } = settings;
  let seed = 0x2545f491;
  const noise = () => {
    // xorshift32: deterministic, cheap
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) / 0xffffffff - 0.5) * 0.02;
  };
  const chunks: Float32Array[] = [];
  let n = 0;
  for (let c = 0; c < count; c++) {
    const chunk = new Float32Array(chunkSize * channels);
    for (let i = 0; i < chunkSize; i++, n++) {
      const t = n / sampleRate;
      const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t); // ~4 syllables per second
      let v = 0;
      for (let h = 1; h <= 4; h++) v += Math.sin(2 * Math.PI * 140 * h * t) / h;
      const sample = 0.3 * envelope * v + noise();
      for (let ch = 0; ch < channels; ch++) chunk[i * channels + ch] = sample;
    }
    chunks.push(chunk);
  }
  return chunks;
}
