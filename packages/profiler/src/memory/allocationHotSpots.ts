import { frameLabel } from '../cpu/hotSpots';
import type { SamplingHeapProfile, SamplingHeapProfileNode } from './heapProfile';

/** Bytes allocated by one function, as estimated by the sampling heap profiler. */
export interface AllocationHotSpot {
  /** `name file:line`. */
  function: string;
  bytes: number;
  /** `bytes` over all sampled bytes of the profile (0–1). */
  share: number;
}

/** Sampled bytes per allocating function, largest first. */
export function allocationHotSpots(profile: SamplingHeapProfile, top = 20): AllocationHotSpot[] {
  const bytesByFunction = new Map<string, number>();
  let total = 0;
  const stack: SamplingHeapProfileNode[] = [profile.head];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.selfSize > 0) {
      const label = frameLabel(node.callFrame);
      bytesByFunction.set(label, (bytesByFunction.get(label) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) stack.push(child);
  }
  return [...bytesByFunction.entries()]
    .map(([fn, bytes]) => ({ function: fn, bytes, share: total === 0 ? 0 : bytes / total }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}
