import type { CallFrame } from '../cpu/cpuProfile';

/**
 * The sampling heap profile as the inspector returns it (`HeapProfiler.stopSampling`): the JSON
 * Chrome DevTools opens as a `.heapprofile` file.
 */
export interface SamplingHeapProfileNode {
  callFrame: CallFrame;
  /** Estimated bytes allocated by this node (not its children) and still tracked. */
  selfSize: number;
  id: number;
  children: SamplingHeapProfileNode[];
}

export interface SamplingHeapProfile {
  head: SamplingHeapProfileNode;
  samples?: { size: number; nodeId: number; ordinal: number }[];
}
