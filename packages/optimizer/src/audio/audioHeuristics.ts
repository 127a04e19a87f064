import * as os from 'node:os';
import { audioSettings, bytesPerSecond, type AudioSettings } from './audioSettings';
import { SPEECH_MODEL_SAMPLE_RATE } from './audioCandidates';

/** What the heuristics look at, read from the OS. */
export interface HostFacts {
  cores: number;
  totalMemoryMb: number;
  freeMemoryMb: number;
}

export function hostFacts(): HostFacts {
  return {
    cores: os.availableParallelism(),
    totalMemoryMb: os.totalmem() / 2 ** 20,
    freeMemoryMb: os.freemem() / 2 ** 20,
  };
}

/** Chunks up to this long keep buffering below one VAD frame (WebRTC VAD's largest is 30 ms). */
const MAX_HEURISTIC_CHUNK_MS = 30;
/** On 2 cores or fewer, chunks of at least this long: half the wake-ups of 10 ms chunks. */
const FEW_CORES_MIN_CHUNK_MS = 20;
const MIN_CHUNK_MS = 10;

/**
 * Settings suggested without measuring anything, by documented rules of thumb (docs: README
 * "Optimization"). Each rule that applies adds its reason; settings no rule touches are kept.
 */
export function heuristicAudioSettings(
  current: AudioSettings,
  host: HostFacts,
): { settings: AudioSettings; reasons: string[] } {
  const reasons: string[] = [];
  let channels = current.channels;
  if (channels > 1) {
    channels = 1;
    reasons.push(
      `channels ${current.channels} → 1: speech models (Whisper, Silero VAD, WebRTC VAD) take mono; downmixing at capture divides the samples every later stage processes by ${current.channels}`,
    );
  }
  let sampleRate = current.sampleRate;
  if (sampleRate > SPEECH_MODEL_SAMPLE_RATE) {
    sampleRate = SPEECH_MODEL_SAMPLE_RATE;
    reasons.push(
      `sampleRate ${current.sampleRate} → ${SPEECH_MODEL_SAMPLE_RATE} Hz: speech models run at 16 kHz, so higher rates are resampled down later at a CPU cost and carry nothing they use`,
    );
  } else if (sampleRate < SPEECH_MODEL_SAMPLE_RATE) {
    reasons.push(
      `sampleRate ${sampleRate} Hz kept: upsampling adds no information (telephony audio stays at its rate)`,
    );
  }
  const minChunkMs = host.cores <= 2 ? FEW_CORES_MIN_CHUNK_MS : MIN_CHUNK_MS;
  const currentMs = current.chunkDurationMs;
  let chunkMs = currentMs;
  if (currentMs > MAX_HEURISTIC_CHUNK_MS) {
    chunkMs = MAX_HEURISTIC_CHUNK_MS;
    reasons.push(
      `chunk ${currentMs} ms → ${chunkMs} ms: every sample waits for its chunk to fill, so a ${currentMs} ms chunk adds ${currentMs} ms before VAD can see speech end; ${MAX_HEURISTIC_CHUNK_MS} ms is WebRTC VAD's largest frame`,
    );
  } else if (currentMs < minChunkMs) {
    chunkMs = minChunkMs;
    reasons.push(
      `chunk ${currentMs} ms → ${chunkMs} ms: ${host.cores} core(s); shorter chunks mean more callbacks per second (${Math.round(1000 / currentMs)}/s) whose fixed cost competes with STT/TTS${host.cores <= 2 ? ' on a machine this small' : ''}`,
    );
  } else {
    reasons.push(
      `chunk ${currentMs} ms kept: within ${minChunkMs}–${MAX_HEURISTIC_CHUNK_MS} ms for ${host.cores} core(s)`,
    );
  }
  const chunkSize =
    chunkMs === currentMs && sampleRate === current.sampleRate
      ? current.chunkSize
      : Math.round((chunkMs * sampleRate) / 1000);
  const settings = audioSettings(sampleRate, chunkSize, channels);
  reasons.push(
    `memory: one second of audio at these settings is ${Math.round(bytesPerSecond(settings) / 1024)} KiB as float samples and ${Math.round(host.freeMemoryMb)} MiB are free, so memory does not constrain them`,
  );
  return { settings, reasons };
}
