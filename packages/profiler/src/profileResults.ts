import type { CallEdge, HotSpot } from './cpu/hotSpots';
import type { AllocationHotSpot } from './memory/allocationHotSpots';
import type { LeakVerdict } from './memory/assessLeak';

/** Memory of one profiled operation (or of a whole-process window). */
export interface MemoryProfile {
  /** Heap used after a forced full GC at the start, bytes. */
  heapUsedBeforeBytes: number;
  /** Heap used after a forced full GC at the end, bytes. */
  heapUsedAfterBytes: number;
  /** `heapUsedAfterBytes - heapUsedBeforeBytes`. */
  heapGrowthBytes: number;
  /**
   * Sampled allocations made during the profile that were still live at its end, before the final
   * GC, by allocating function (V8's sampling heap profiler drops samples of objects collected
   * earlier, so short-lived garbage is not counted: like a tracemalloc snapshot, not an
   * allocation-rate profile).
   */
  allocationHotSpots: AllocationHotSpot[];
  /** Of those, what was still reachable after the final full GC: what the operation kept. */
  retainedHotSpots: AllocationHotSpot[];
  /** Verdict over the recent profiled runs of the same component/operation. */
  leak: LeakVerdict;
}

/** What `ProfilerContext.getProfileResults()` returns. */
export interface ProfileResults {
  component: string;
  operation: string;
  /** When profiling started (ISO 8601). */
  startedAt: string;
  durationMs: number;
  /** CPU samples attributed to the operation (idle samples excluded). */
  sampleCount: number;
  /** CPU time those samples stand for, ms. */
  cpuMs: number;
  topFunctions: HotSpot[];
  callGraph: CallEdge[];
  /** Present when memory profiling was asked for and could run. */
  memory?: MemoryProfile;
  /** Why memory was asked for but not profiled (V8 has one heap sampler per process). */
  memoryUnavailable?: string;
  cpuProfilePath?: string;
  heapProfilePath?: string;
}

/** CPU time of one component in a whole-process profile. */
export interface ComponentProfile {
  component: string;
  sampleCount: number;
  /** CPU time of its samples, ms (each sample stands for the time to the next one). */
  cpuMs: number;
  /** `cpuMs` over the profile's `totalCpuMs` (0–1). */
  share: number;
  operations: { operation: string; sampleCount: number; cpuMs: number }[];
  /** Its hottest functions, the instrumentation's own frames left out. */
  topFunctions: HotSpot[];
}

/** The instrumentation's own CPU time in a whole-process profile: the cost of measuring. */
export interface InstrumentationOverhead {
  sampleCount: number;
  cpuMs: number;
  /** `cpuMs` over the profile's `totalCpuMs` (0–1). */
  share: number;
  /** Its functions (the preload, the OpenTelemetry SDK, the module hooks). */
  topFunctions: HotSpot[];
}

/**
 * What `ProfilerManager.profileProcess()` returns. Every sample but idle ones counts once, in one
 * place: a component (`components`), the instrumentation (`instrumentation`: samples whose
 * innermost code is ours), or no operation (`unattributed…`); their CPU times add up to `totalCpuMs`.
 */
export interface ProcessProfileResults {
  pid: number;
  startedAt: string;
  durationMs: number;
  /** The component asked for, if any: `sampleCount`, `cpuMs`, `topFunctions` and `callGraph` are then its own. */
  component?: string;
  /** Every counted sample of the main thread (idle ones left out). */
  totalSampleCount: number;
  /** Their CPU time, ms: what every share is of. */
  totalCpuMs: number;
  /** Samples of the component asked for, else of the app (all but the instrumentation's). */
  sampleCount: number;
  /** Their CPU time, ms: what the hot spots' shares are of. */
  cpuMs: number;
  /** The app's samples taken while no component operation ran. */
  unattributedSampleCount: number;
  unattributedCpuMs: number;
  /** `unattributedCpuMs` over `totalCpuMs` (0–1). */
  unattributedShare: number;
  instrumentation: InstrumentationOverhead;
  components: ComponentProfile[];
  topFunctions: HotSpot[];
  callGraph: CallEdge[];
  memory?: MemoryProfile;
  /** True when the process began to exit before the duration was over. */
  endedEarly: boolean;
  cpuProfilePath?: string;
  heapProfilePath?: string;
}
