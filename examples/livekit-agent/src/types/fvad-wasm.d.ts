// @echogarden/fvad-wasm ships no types: the Emscripten module of libfvad (WebRTC VAD).
declare module '@echogarden/fvad-wasm' {
  export interface FvadModule {
    _fvad_new(): number;
    _fvad_free(instance: number): void;
    _fvad_reset(instance: number): void;
    /** 0 (least aggressive) to 3 (most); returns 0, or -1 for a bad mode. */
    _fvad_set_mode(instance: number, mode: number): number;
    /** 8000, 16000, 32000 or 48000; returns 0, or -1. */
    _fvad_set_sample_rate(instance: number, sampleRate: number): number;
    /** 10, 20 or 30 ms of 16-bit samples at `ptr`; returns 1 (voice), 0 (no voice) or -1 (error). */
    _fvad_process(instance: number, ptr: number, samples: number): number;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    HEAP16: Int16Array;
  }
  const createModule: () => Promise<FvadModule>;
  export default createModule;
}
