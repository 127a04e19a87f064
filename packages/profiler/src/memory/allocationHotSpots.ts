import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Sampled bytes per allocating function, largest first; the profiler's own allocations left out. */
export function allocationHotSpots(profile: SamplingHeapProfile, top = 20): AllocationHotSpot[] {
  const bytesByFunction = new Map<string, number>();
  let total = 0;
  forEachAppAllocation(profile, (node) => {
    const label = frameLabel(node.callFrame);
    bytesByFunction.set(label, (bytesByFunction.get(label) ?? 0) + node.selfSize);
    total += node.selfSize;
  });
  return [...bytesByFunction.entries()]
    .map(([fn, bytes]) => ({ function: fn, bytes, share: total === 0 ? 0 : bytes / total }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

/** Sampled bytes of the profile, the profiler's own allocations left out. */
export function appAllocatedBytes(profile: SamplingHeapProfile): number {
  let total = 0;
  forEachAppAllocation(profile, (node) => (total += node.selfSize));
  return total;
}

// This package's own code (src/ or dist/): what it allocates while recording — the profiles it
// reads back, its attribution tables — is not the app's memory, and would otherwise top the
// retained list of every memory profile.
const PROFILER_ROOT = path.resolve(__dirname, '..') + path.sep;

/**
 * Calls `visit` for each node holding sampled bytes that the app allocated. An allocation belongs
 * to the innermost frame with a file of its own: built-ins and Node's internals (`node:…`) are
 * charged to the code that called them.
 */
function forEachAppAllocation(profile: SamplingHeapProfile, visit: (node: SamplingHeapProfileNode) => void): void {
  const stack: { node: SamplingHeapProfileNode; profilers: boolean }[] = [{ node: profile.head, profilers: false }];
  while (stack.length > 0) {
    const { node, profilers: callerIsProfiler } = stack.pop()!;
    const url = node.callFrame.url;
    const profilers = url === '' || url.startsWith('node:') ? callerIsProfiler : isProfilerFile(url);
    if (node.selfSize > 0 && !profilers) visit(node);
    for (const child of node.children) stack.push({ node: child, profilers });
  }
}

function isProfilerFile(url: string): boolean {
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  return file.startsWith(PROFILER_ROOT);
}
