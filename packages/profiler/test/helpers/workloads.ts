// Real workloads with known shapes. Kept in their own module, and large enough that V8 does not
// inline them into their callers, so they keep their own frames in a CPU profile.

/** CPU-heavy: naive prime counting, ~`n` trial divisions squared. */
export function countPrimes(limit: number): number {
  let count = 0;
  for (let candidate = 2; candidate < limit; candidate++) {
    let prime = true;
    for (let divisor = 2; divisor * divisor <= candidate; divisor++) {
      if (candidate % divisor === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/** Light: a short sum. */
export function sumSmall(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += i & 7;
  return total;
}

// Stand-ins for pipeline stages, each a fixed amount of work (not a time: a busy loop that watches
// the clock gets fewer samples when the machine is loaded and the thread is descheduled) in a hot
// loop of its own, so its samples land in its own frame. One unit is about a millisecond on an idle
// core here.
const OPS_PER_UNIT = 200_000;
// Bound once: Jest runs tests in a vm context, where every lookup of a global such as `Math` in a
// hot loop is a slow interceptor call (it made these loops ~30× slower).
const sqrt = Math.sqrt;

/** STT: square roots over "frames". */
export function decodeSpeechFrames(units: number): number {
  let x = 0;
  for (let i = 0; i < units * OPS_PER_UNIT; i++) x = sqrt(x + i);
  return x;
}

/** LLM: the same arithmetic over "tokens". */
export function planAnswer(units: number): number {
  let x = 1;
  for (let i = 0; i < units * OPS_PER_UNIT; i++) x = sqrt(x + i);
  return x;
}

/** TTS: the same arithmetic over "samples". */
export function synthesizeSpeech(units: number): number {
  let x = 2;
  for (let i = 0; i < units * OPS_PER_UNIT; i++) x = sqrt(x + i);
  return x;
}

const retainedForever: unknown[] = [];

/** ~`kib` KiB of new objects, as transcripts a voice agent builds. */
export function buildTranscriptsAndKeep(kib: number): { id: number; text: string }[] {
  const batch: { id: number; text: string }[] = [];
  for (let i = 0; i < kib * 16; i++) batch.push({ id: i, text: `transcript ${i} ${Math.random()}` });
  return batch;
}

/**
 * Leaks on purpose: every call keeps ~`kib` KiB of new objects reachable for good. It allocates
 * them itself, as a real leak's culprit would: the sampling heap profiler names the allocating
 * function, which the tests expect as the suspect.
 */
export function cacheTranscriptsForever(kib: number): number {
  const batch: { id: number; text: string }[] = [];
  for (let i = 0; i < kib * 16; i++) batch.push({ id: i, text: `leaked ${i} ${Math.random()}` });
  retainedForever.push(batch);
  return batch.length;
}

/** Allocates as much but keeps nothing. */
export function buildTranscriptsAndDrop(kib: number): number {
  return buildTranscriptsAndKeep(kib).length;
}

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
