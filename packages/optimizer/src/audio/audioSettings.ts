import { OptimizerInputError } from '../optimizerInputError';

/** Audio processing settings, as the optimizer reads and returns them. */
export interface AudioSettings {
  /** Samples per second per channel, Hz. */
  sampleRate: number;
  /** Frames (samples per channel) in one chunk handed to processing. */
  chunkSize: number;
  channels: number;
  /** `chunkSize / sampleRate`, in ms: the audio one chunk holds. */
  chunkDurationMs: number;
}

/**
 * What callers may pass: the documented keys, camelCase or the snake_case of the Python project
 * (`sample_rate`, `chunk_size`, `chunk_duration_ms`). A chunk is given by `chunkSize` or
 * `chunkDurationMs` (or both, if they agree); `channels` defaults to 1.
 */
export interface AudioSettingsInput {
  sampleRate?: number;
  sample_rate?: number;
  chunkSize?: number;
  chunk_size?: number;
  channels?: number;
  chunkDurationMs?: number;
  chunk_duration_ms?: number;
}

export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 192000;
export const MAX_CHANNELS = 32;
/** Longer chunks are not real-time processing any more. */
export const MAX_CHUNK_DURATION_MS = 10_000;

const ALIASES: Readonly<Record<string, keyof AudioSettings>> = {
  sampleRate: 'sampleRate',
  sample_rate: 'sampleRate',
  chunkSize: 'chunkSize',
  chunk_size: 'chunkSize',
  channels: 'channels',
  chunkDurationMs: 'chunkDurationMs',
  chunk_duration_ms: 'chunkDurationMs',
};

const ACCEPTED = 'sampleRate (sample_rate), chunkSize (chunk_size), channels, chunkDurationMs (chunk_duration_ms)';

/** Checks audio settings and completes them; throws {@link OptimizerInputError} naming the bad key. */
export function parseAudioSettings(input: unknown): AudioSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new OptimizerInputError(`audio settings must be an object with ${ACCEPTED}; got ${describe(input)}`);
  }
  const given: Partial<Record<keyof AudioSettings, { key: string; value: unknown }>> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const field = ALIASES[key];
    if (field === undefined) throw new OptimizerInputError(`unknown audio setting "${key}": accepted are ${ACCEPTED}`);
    const earlier = given[field];
    if (earlier !== undefined && earlier.value !== value) {
      throw new OptimizerInputError(
        `audio setting given twice with different values: ${earlier.key}=${describe(earlier.value)}, ${key}=${describe(value)}`,
      );
    }
    given[field] = { key, value };
  }
  const sampleRate = wholeNumber(given.sampleRate, 'sampleRate', MIN_SAMPLE_RATE, MAX_SAMPLE_RATE, 'Hz');
  if (sampleRate === undefined) throw new OptimizerInputError('audio settings need sampleRate (sample_rate), in Hz');
  const channels = wholeNumber(given.channels, 'channels', 1, MAX_CHANNELS, 'channels') ?? 1;
  const maxFrames = Math.floor((sampleRate * MAX_CHUNK_DURATION_MS) / 1000);
  const chunkSize = wholeNumber(given.chunkSize, 'chunkSize', 1, maxFrames, 'frames');
  const durationMs = positiveNumber(given.chunkDurationMs, 'chunkDurationMs', MAX_CHUNK_DURATION_MS);
  if (chunkSize === undefined && durationMs === undefined) {
    throw new OptimizerInputError('audio settings need chunkSize (chunk_size, frames) or chunkDurationMs');
  }
  if (chunkSize !== undefined && durationMs !== undefined) {
    const impliedFrames = (durationMs * sampleRate) / 1000;
    if (Math.abs(impliedFrames - chunkSize) > 1) {
      throw new OptimizerInputError(
        `chunkSize ${chunkSize} at ${sampleRate} Hz is ${round2((chunkSize / sampleRate) * 1000)} ms, not chunkDurationMs ${durationMs}`,
      );
    }
  }
  const frames = chunkSize ?? Math.max(1, Math.round(((durationMs as number) * sampleRate) / 1000));
  if (frames > maxFrames) {
    throw new OptimizerInputError(`chunkDurationMs ${durationMs} is longer than ${MAX_CHUNK_DURATION_MS} ms`);
  }
  return audioSettings(sampleRate, frames, channels);
}

/** Settings from a rate, a chunk size in frames and channels (the duration follows). */
export function audioSettings(sampleRate: number, chunkSize: number, channels: number): AudioSettings {
  return { sampleRate, chunkSize, channels, chunkDurationMs: round2((chunkSize / sampleRate) * 1000) };
}

/** Bytes one second of these settings occupies as 32-bit float samples. */
export function bytesPerSecond(settings: AudioSettings): number {
  return settings.sampleRate * settings.channels * 4;
}

export function sameAudioSettings(a: AudioSettings, b: AudioSettings): boolean {
  return a.sampleRate === b.sampleRate && a.chunkSize === b.chunkSize && a.channels === b.channels;
}

function wholeNumber(
  entry: { key: string; value: unknown } | undefined,
  field: string,
  min: number,
  max: number,
  unit: string,
): number | undefined {
  if (entry === undefined) return undefined;
  const { key, value } = entry;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptimizerInputError(
      `invalid ${key === field ? field : `${key} (${field})`} ${describe(value)}: expected a whole number of ${unit} from ${min} to ${max}`,
    );
  }
  return value;
}

function positiveNumber(
  entry: { key: string; value: unknown } | undefined,
  field: string,
  max: number,
): number | undefined {
  if (entry === undefined) return undefined;
  const { key, value } = entry;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new OptimizerInputError(
      `invalid ${key === field ? field : `${key} (${field})`} ${describe(value)}: expected a number of ms above 0 and at most ${max}`,
    );
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
