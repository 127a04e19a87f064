import { FRAME_MS, type Frame } from '../audio/frame';
import type { VoiceActivityDetector } from './voiceActivityDetector';

export interface ListenerOptions {
  /** Voiced frames in a row that count as the start of speech (shorter bursts are clicks). */
  startFrames: number;
  /** Silence after speech that ends the utterance; a shorter pause is part of it. */
  hangoverMs: number;
  /** Audio kept from before speech was detected, so the first syllable is not cut. */
  preRollMs: number;
}

export const DEFAULT_LISTENER_OPTIONS: ListenerOptions = { startFrames: 3, hangoverMs: 500, preRollMs: 200 };

/** The start of the user's speech: the frames from shortly before it to the moment it was detected. */
export interface SpeechStart {
  frames: Frame[];
}

/** What the user said, as audio, from the pre-roll to the end of speech. */
export interface Utterance {
  samples: Int16Array;
  sampleRate: number;
  durationSeconds: number;
}

/**
 * Endpointing with WebRTC VAD: finds where the user starts speaking, and where the utterance ends
 * (`hangoverMs` of silence). Frames are pulled from one shared iterator, so one listener method at a
 * time reads the microphone.
 */
export class Listener {
  constructor(
    private readonly vad: VoiceActivityDetector,
    private readonly options: ListenerOptions = DEFAULT_LISTENER_OPTIONS,
  ) {}

  /** Reads frames until the user starts speaking; undefined when the input ends first. */
  async waitForSpeech(frames: AsyncIterator<Frame>): Promise<SpeechStart | undefined> {
    const keep = Math.ceil(this.options.preRollMs / FRAME_MS) + this.options.startFrames;
    const recent: Frame[] = [];
    let voicedInRow = 0;
    for (let next = await frames.next(); !next.done; next = await frames.next()) {
      recent.push(next.value);
      if (recent.length > keep) recent.shift();
      voicedInRow = this.vad.isSpeech(next.value) ? voicedInRow + 1 : 0;
      if (voicedInRow >= this.options.startFrames) return { frames: recent };
    }
    return undefined;
  }

  /**
   * Listens to the rest of an utterance: speech, and pauses shorter than the hangover, until
   * `hangoverMs` of silence (or the end of the input). The trailing silence is left out.
   */
  async listen(start: SpeechStart, frames: AsyncIterator<Frame>): Promise<Utterance> {
    const heard = [...start.frames];
    for (;;) {
      const silence = await this.untilSilence(frames, heard);
      if (silence === undefined) break;
      const pause = await this.untilSpeechResumes(frames, silence);
      if (pause.resumed === false) break;
      heard.push(...pause.frames);
    }
    return utteranceOf(heard);
  }

  /**
   * Reads voiced frames into `heard` until the first silent one, which it returns: the moment the
   * user stops speaking (perhaps only for a pause). Undefined when the input ended.
   */
  async untilSilence(frames: AsyncIterator<Frame>, heard: Frame[]): Promise<Frame | undefined> {
    for (let next = await frames.next(); !next.done; next = await frames.next()) {
      if (!this.vad.isSpeech(next.value)) return next.value;
      heard.push(next.value);
    }
    return undefined;
  }

  /** Reads a pause from its first silent frame: resumed, with its frames, if speech starts again within the hangover. */
  async untilSpeechResumes(
    frames: AsyncIterator<Frame>,
    silence: Frame,
  ): Promise<{ resumed: true; frames: Frame[] } | { resumed: false }> {
    const pause: Frame[] = [silence];
    let voicedInRow = 0;
    const hangoverFrames = Math.ceil(this.options.hangoverMs / FRAME_MS);
    for (let next = await frames.next(); !next.done; next = await frames.next()) {
      pause.push(next.value);
      voicedInRow = this.vad.isSpeech(next.value) ? voicedInRow + 1 : 0;
      if (voicedInRow >= this.options.startFrames) return { resumed: true, frames: pause };
      if (pause.length >= hangoverFrames && voicedInRow === 0) return { resumed: false };
    }
    return { resumed: false };
  }
}

function utteranceOf(frames: Frame[]): Utterance {
  const sampleRate = frames[0].sampleRate;
  const total = frames.reduce((n, f) => n + f.samples.length, 0);
  const samples = new Int16Array(total);
  let offset = 0;
  for (const frame of frames) {
    samples.set(frame.samples, offset);
    offset += frame.samples.length;
  }
  return { samples, sampleRate, durationSeconds: total / sampleRate };
}
