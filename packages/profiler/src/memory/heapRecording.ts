import { getHeapStatistics } from 'node:v8';
import type { InspectorSession } from '../inspectorSession';
import { forceGc } from './forceGc';
import { appAllocatedBytes } from './allocationHotSpots';
import type { SamplingHeapProfile } from './heapProfile';

/** What a heap recording leaves: after-GC heap readings and the two views of the sampled heap. */
export interface HeapCapture {
  beforeBytes: number;
  afterBytes: number;
  /** Sampled allocations still live at the end, before the final GC. */
  live: SamplingHeapProfile;
  /** Sampled allocations still reachable after the final GC. */
  retained: SamplingHeapProfile;
}

/**
 * The sampling heap profiler around some work, with a forced full GC at both ends. Sampling keeps
 * V8's default (samples of collected objects are dropped), so what is left after the final GC is
 * exactly what the work allocated and still holds.
 */
export class HeapRecording {
  readonly beforeBytes: number;

  private constructor(
    private readonly session: InspectorSession,
    intervalBytes: number,
  ) {
    this.beforeBytes = collectAndMeasure();
    session.post('HeapProfiler.startSampling', { samplingInterval: intervalBytes });
  }

  static start(session: InspectorSession, intervalBytes: number): HeapRecording {
    return new HeapRecording(session, intervalBytes);
  }

  /** Heap used after a forced full GC, bytes (sampling goes on). */
  measure(): number {
    return collectAndMeasure();
  }

  /**
   * Bytes the app allocated since the recording started and still held at the last GC: the
   * sampled allocations V8 still tracks (an estimate, to about the sampling interval), the
   * profiler's own left out. Read right after `measure()`.
   */
  heldSinceStartBytes(): number {
    const { profile } = this.session.post<{ profile: SamplingHeapProfile }>('HeapProfiler.getSamplingProfile');
    return appAllocatedBytes(profile);
  }

  finish(): HeapCapture {
    const live = this.session.post<{ profile: SamplingHeapProfile }>('HeapProfiler.getSamplingProfile').profile;
    const afterBytes = collectAndMeasure();
    const retained = this.session.post<{ profile: SamplingHeapProfile }>('HeapProfiler.stopSampling').profile;
    return { beforeBytes: this.beforeBytes, afterBytes, live, retained };
  }

  /** Stops sampling without results (the work failed to start). */
  abandon(): void {
    try {
      this.session.post('HeapProfiler.stopSampling');
    } catch {
      // already stopped
    }
  }
}

function collectAndMeasure(): number {
  forceGc();
  return getHeapStatistics().used_heap_size;
}
