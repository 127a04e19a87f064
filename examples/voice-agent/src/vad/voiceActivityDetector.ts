import type { FvadModule } from '@echogarden/fvad-wasm';
import { samplesPerFrame, type Frame } from '../audio/frame';

/** How eagerly WebRTC VAD calls a frame speech: 0 (quality) to 3 (very aggressive). */
export type VadMode = 0 | 1 | 2 | 3;

/** WebRTC VAD (libfvad compiled to WebAssembly): is there voice in this 20 ms frame? */
export class VoiceActivityDetector {
  private constructor(
    private readonly fvad: FvadModule,
    private readonly instance: number,
    private readonly buffer: number,
    private readonly frameSamples: number,
  ) {}

  static async create(sampleRate: number, mode: VadMode): Promise<VoiceActivityDetector> {
    // The package is an ES module only: a dynamic import loads it from this CommonJS build.
    const { default: createModule } = await import('@echogarden/fvad-wasm');
    const fvad = await createModule();
    const instance = fvad._fvad_new();
    if (instance === 0) throw new Error('WebRTC VAD: out of memory');
    if (fvad._fvad_set_sample_rate(instance, sampleRate) !== 0) {
      throw new Error(`WebRTC VAD does not support ${sampleRate} Hz (use 8000, 16000, 32000 or 48000)`);
    }
    if (fvad._fvad_set_mode(instance, mode) !== 0) throw new Error(`WebRTC VAD: bad mode ${mode}`);
    const frameSamples = samplesPerFrame(sampleRate);
    return new VoiceActivityDetector(fvad, instance, fvad._malloc(frameSamples * 2), frameSamples);
  }

  isSpeech(frame: Frame): boolean {
    if (frame.samples.length !== this.frameSamples) throw new Error('WebRTC VAD: wrong frame length');
    // HEAP16 is re-read on every call: it is replaced when the WebAssembly memory grows.
    this.fvad.HEAP16.set(frame.samples, this.buffer >> 1);
    const result = this.fvad._fvad_process(this.instance, this.buffer, this.frameSamples);
    if (result < 0) throw new Error('WebRTC VAD failed on a frame');
    return result === 1;
  }

  close(): void {
    this.fvad._free(this.buffer);
    this.fvad._fvad_free(this.instance);
  }
}
