import { OptimizerInputError } from '../optimizerInputError';
import { parseAudioSettings, sameAudioSettings, type AudioSettings } from './audioSettings';

/** The settings to measure: sample rates crossed with chunk sizes (frames) and/or chunk durations. */
export interface AudioCandidateOptions {
  sampleRates?: number[];
  chunkSizes?: number[];
  chunkDurationsMs?: number[];
}

/**
 * Chunk durations tried by default, ms: 10–30 ms are the frames WebRTC VAD accepts and WebRTC/Opus,
 * LiveKit and Pipecat move audio in; longer chunks trade latency for less per-chunk overhead.
 */
export const DEFAULT_CHUNK_DURATIONS_MS: readonly number[] = Object.freeze([10, 20, 30, 40, 60, 80, 100]);

/** The rate speech models run at (Whisper, Silero VAD, WebRTC VAD, Vosk): audio above it is resampled down. */
export const SPEECH_MODEL_SAMPLE_RATE = 16000;

/** Each candidate is measured for a while; this keeps a call to minutes, not hours. */
export const MAX_CANDIDATES = 64;

/**
 * The candidates for `current`, current first. Without `sampleRates`, the current rate is tried,
 * and 16 kHz as well when the current rate is higher (never lower: that would lose what speech
 * models use). Channels stay as they are: how many the source has is not a tuning choice.
 */
export function audioCandidates(current: AudioSettings, options: AudioCandidateOptions = {}): AudioSettings[] {
  const rates = options.sampleRates ?? defaultRates(current);
  listOf(rates, 'sampleRates');
  const durations =
    options.chunkDurationsMs ?? (options.chunkSizes === undefined ? [...DEFAULT_CHUNK_DURATIONS_MS] : []);
  listOf(durations, 'chunkDurationsMs');
  const sizes = options.chunkSizes ?? [];
  listOf(sizes, 'chunkSizes');
  const candidates: AudioSettings[] = [current];
  const add = (input: Record<string, number>, what: string) => {
    let settings: AudioSettings;
    try {
      settings = parseAudioSettings({ ...input, channels: current.channels });
    } catch (err) {
      throw new OptimizerInputError(`candidate ${what}: ${(err as Error).message}`);
    }
    if (!candidates.some((c) => sameAudioSettings(c, settings))) candidates.push(settings);
  };
  for (const sampleRate of rates) {
    for (const chunkSize of sizes) add({ sampleRate, chunkSize }, `${sampleRate} Hz × ${chunkSize} frames`);
    for (const chunkDurationMs of durations)
      add({ sampleRate, chunkDurationMs }, `${sampleRate} Hz × ${chunkDurationMs} ms`);
  }
  if (candidates.length > MAX_CANDIDATES) {
    throw new OptimizerInputError(
      `${candidates.length} audio candidates: at most ${MAX_CANDIDATES} can be measured in one call`,
    );
  }
  return candidates;
}

function defaultRates(current: AudioSettings): number[] {
  return current.sampleRate > SPEECH_MODEL_SAMPLE_RATE
    ? [current.sampleRate, SPEECH_MODEL_SAMPLE_RATE]
    : [current.sampleRate];
}

function listOf(values: unknown, name: string): void {
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'number')) {
    throw new OptimizerInputError(`candidates.${name} must be an array of numbers; got ${JSON.stringify(values)}`);
  }
}
