import { AudioFrame, AudioResampler } from '@livekit/rtc-node';
import type { stt } from '@livekit/agents';
import { espeak, ESPEAK_SAMPLE_RATE } from './espeak.js';
import type { Line } from './script.js';

export const MICROPHONE_SAMPLE_RATE = 16000;

/** What the microphone will hear, and when each line is spoken in it. */
export interface UserRecording {
  samples: Int16Array;
  /** For LiveKit's test STT: when each line is spoken (ms from the first frame) and its transcript. */
  speeches: stt.testing.FakeUserSpeech[];
}

/**
 * Speaks the user's lines with espeak-ng (another voice than the agent's), resampled to 16 kHz with
 * LiveKit's own resampler, with the script's pauses between them and `trailingMs` of silence after.
 * `sttDelayMs`: how long after the end of each line the test STT gives its final transcript.
 */
export async function recordUser(
  lines: readonly Line[],
  trailingMs: number,
  sttDelayMs: number,
): Promise<UserRecording> {
  const parts: Int16Array[] = [];
  const speeches: stt.testing.FakeUserSpeech[] = [];
  let length = 0;
  const silence = (ms: number) => {
    const samples = new Int16Array(Math.round((MICROPHONE_SAMPLE_RATE * ms) / 1000));
    parts.push(samples);
    length += samples.length;
  };
  for (const line of lines) {
    silence(line.pauseMs);
    const speech = await speak(line.user);
    const startTime = (length / MICROPHONE_SAMPLE_RATE) * 1000;
    parts.push(speech);
    length += speech.length;
    speeches.push({
      startTime,
      endTime: (length / MICROPHONE_SAMPLE_RATE) * 1000,
      transcript: line.user,
      sttDelay: sttDelayMs,
    });
  }
  silence(trailingMs);
  const samples = new Int16Array(length);
  let offset = 0;
  for (const part of parts) {
    samples.set(part, offset);
    offset += part.length;
  }
  return { samples, speeches };
}

async function speak(text: string): Promise<Int16Array> {
  const resampler = new AudioResampler(ESPEAK_SAMPLE_RATE, MICROPHONE_SAMPLE_RATE);
  const frames: AudioFrame[] = [];
  try {
    for await (const samples of espeak(text, { voice: 'en-us+f3', wordsPerMinute: 165 })) {
      frames.push(...resampler.push(new AudioFrame(samples, ESPEAK_SAMPLE_RATE, 1, samples.length)));
    }
    frames.push(...resampler.flush());
  } finally {
    resampler.close();
  }
  const speech = new Int16Array(frames.reduce((n, f) => n + f.samplesPerChannel, 0));
  let offset = 0;
  for (const frame of frames) {
    speech.set(frame.data.subarray(0, frame.samplesPerChannel), offset);
    offset += frame.samplesPerChannel;
  }
  return speech;
}
