/** Audio moves through the agent in 20 ms frames, the unit WebRTC VAD decides on. */
export const FRAME_MS = 20;

export interface Frame {
  /** 16-bit mono PCM, FRAME_MS long. */
  samples: Int16Array;
  sampleRate: number;
}

export function samplesPerFrame(sampleRate: number): number {
  return (sampleRate * FRAME_MS) / 1000;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
