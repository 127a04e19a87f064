/** Process memory as `process.memoryUsage()` reports it, MiB. */
export interface MemorySnapshot {
  basis: 'measured';
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** C++ memory bound to JS objects, Buffers and ArrayBuffers included. */
  externalMb: number;
  arrayBuffersMb: number;
}

const MB = 2 ** 20;

export function memorySnapshot(): MemorySnapshot {
  const m = process.memoryUsage();
  return {
    basis: 'measured',
    rssMb: m.rss / MB,
    heapUsedMb: m.heapUsed / MB,
    heapTotalMb: m.heapTotal / MB,
    externalMb: m.external / MB,
    arrayBuffersMb: m.arrayBuffers / MB,
  };
}

/** Memory the process's JS objects and buffers hold: heap in use + external. */
export function memoryInUseMb(snapshot: MemorySnapshot): number {
  return snapshot.heapUsedMb + snapshot.externalMb;
}
