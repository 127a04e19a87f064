/**
 * Real chunk workloads whose cost is known by construction, so a test can tell which settings are
 * really cheapest. Each computes a naive DFT (n² multiply-adds for n samples), as a spectral VAD
 * or feature extractor would.
 */

const tables = new Map<number, { cos: Float64Array; sin: Float64Array }>();

/** cos/sin of 2πj/n for j < n, made once per n (as an FFT plan would be). */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let table = tables.get(n);
  if (table === undefined) {
    table = { cos: new Float64Array(n), sin: new Float64Array(n) };
    for (let j = 0; j < n; j++) {
      table.cos[j] = Math.cos((2 * Math.PI * j) / n);
      table.sin[j] = Math.sin((2 * Math.PI * j) / n);
    }
    tables.set(n, table);
  }
  return table;
}

/** Power of the first `bins` DFT bins of `samples` (n × bins multiply-adds). */
export function dftPower(samples: ArrayLike<number>, bins: number): number {
  const n = samples.length;
  const { cos, sin } = twiddles(n);
  let total = 0;
  for (let k = 0; k < bins; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0, j = 0; i < n; i++, j += k) {
      if (j >= n) j -= n;
      re += samples[i] * cos[j];
      im -= samples[i] * sin[j];
    }
    total += re * re + im * im;
  }
  return total;
}

/**
 * Per chunk: a fixed-size analysis of `fixedFrames` samples (the same cost whatever the chunk) plus
 * a full DFT of the chunk (n² for n frames). Work per second of audio is (F² + n²) / n × rate,
 * smallest at n = F: chunks of `fixedFrames` frames are the cheapest, smaller and larger ones cost more.
 */
export function uShapedWorkload(fixedFrames: number): (chunk: Float32Array) => number {
  const context = new Float32Array(fixedFrames).map((_, i) => Math.sin(i / 7));
  return (chunk) => dftPower(context, fixedFrames) + dftPower(chunk, chunk.length);
}

/** Work per second of audio of {@link uShapedWorkload} for chunks of `frames` (multiply-adds ÷ rate). */
export function uShapedCostPerSecond(fixedFrames: number, frames: number): number {
  return (fixedFrames * fixedFrames + frames * frames) / frames;
}

/** Per chunk: 64 DFT bins of every sample, so the cost is proportional to the samples per second. */
export function perSampleWorkload(chunk: Float32Array): number {
  return dftPower(chunk, 64);
}
