import { attributeSamples } from './attribution/attributeSamples';
import { operationTimeline } from './attribution/operationTimeline';
import type { CallFrame, CpuProfile } from './cpu/cpuProfile';
import { analyzeCpuProfile } from './cpu/hotSpots';
import { overheadSamples } from './cpu/overheadSamples';
import { isInstrumentationScript } from './flame/instrumentationFrames';
import { attributionPathOf, sampleAttribution } from './flame/sampleAttribution';
import { instrumentationDirs } from './instrumentationDirs';
import { evenSampleTimes, sampleTimes } from './cpu/sampleTimes';
import { startCpuProfile } from './cpu/startCpuProfile';
import { allocationHotSpots } from './memory/allocationHotSpots';
import { assessLeak, type HeapReading } from './memory/assessLeak';
import type { HeapCapture, HeapRecording } from './memory/heapRecording';
import { profileFileBase } from './profileFiles';
import type { ComponentProfile, MemoryProfile, ProcessProfileResults } from './profileResults';
import type { ProfilerManager } from './profilerManager';

export interface ProcessProfileOptions {
  durationMs: number;
  /** Only this component's hot spots and call graph (the breakdown still lists every component). */
  component?: string;
  /** Heap sampling over the window, with forced GCs to judge growth. Default false. */
  enableMemory?: boolean;
  /** Ends the profile early, with what was recorded. */
  signal?: AbortSignal;
}

// Readings over a memory profile: forced full GCs at this many evenly spaced points (plus the
// start), so growth that persists over the window can be told from a one-off allocation. Each
// reading is what the app allocated since the window began and still holds (sampled), not the
// heap's size: in a whole process, memory from before the window is released at any time (a cache
// expiring, a finished request's garbage freed by a timer), and a few MiB of that in one interval
// would hide a leak's growth from a heap-size series.
const MEMORY_INTERVALS = 6;
// The SQLite binding's JavaScript: its time is its caller's (our exporter's, or the app's).
const SQLITE_BINDING = /[\\/]node_modules[\\/]better-sqlite3[\\/]/;
const COMPONENT_TOP_FUNCTIONS = 10;

/**
 * Profiles the whole process for `durationMs`: CPU samples, each attributed to the component
 * operation running when it was taken (see OperationTimeline), and optionally the heap.
 */
export async function recordProcessProfile(
  profiler: ProfilerManager,
  options: ProcessProfileOptions,
): Promise<ProcessProfileResults> {
  if (!(Number.isFinite(options.durationMs) && options.durationMs > 0)) {
    throw new RangeError(`durationMs must be a positive number, got ${String(options.durationMs)}`);
  }
  const timeline = operationTimeline();
  const startedAt = new Date();
  const fileBase = profileFileBase(
    profiler.options.outputDir,
    options.component === undefined ? 'process' : `process.${options.component}`,
    startedAt,
  );
  let heap: HeapRecording | undefined;
  if (options.enableMemory === true) {
    heap = profiler.startHeapRecording();
    if (heap === undefined) throw new Error('another memory profile is running in this process');
  }
  timeline.acquire();
  const session = profiler.leaseSession();
  let cpu: CpuProfile;
  let heapCapture: HeapCapture | undefined;
  const readings: HeapReading[] = [];
  let endedEarly = false;
  let startUs = 0;
  let stopUs = 0;
  let slice;
  try {
    startCpuProfile(session, profiler.options.samplingIntervalUs);
    startUs = timeline.nowUs();
    if (heap !== undefined) {
      let before = 0;
      for (let i = 0; i < MEMORY_INTERVALS && !endedEarly; i++) {
        endedEarly = await waitOrEnd(options.durationMs / MEMORY_INTERVALS, options.signal);
        heap.measure();
        const after = heap.heldSinceStartBytes();
        readings.push({ beforeBytes: before, afterBytes: after, retained: [] });
        before = after;
      }
    } else {
      endedEarly = await waitOrEnd(options.durationMs, options.signal);
    }
    stopUs = timeline.nowUs();
    cpu = session.post<{ profile: CpuProfile }>('Profiler.stop').profile;
    heapCapture = heap?.finish();
    slice = timeline.slice(startUs, stopUs);
  } catch (err) {
    heap?.abandon();
    throw err;
  } finally {
    profiler.returnSession(session);
    if (heap !== undefined) profiler.endHeapRecording();
    timeline.release();
  }

  // Attribute each sample to its component, or to the instrumentation's overhead.
  const sampled = sampleTimes(cpu);
  // The window: not the samples of the GC that starting the profile made (startCpuProfile).
  const inWindow = (s: number): boolean => sampled.timesUs[s] >= startUs && sampled.timesUs[s] <= stopUs;
  const times = evenSampleTimes(sampled, (s) => inWindow(s) && !isIdle(cpu, s));
  const owners = attributeSamples(times.timesUs, slice);
  const table = slice.operations;
  const dirs = instrumentationDirs();
  const ours = (frame: CallFrame): boolean => isInstrumentationScript(frame.url, dirs);
  const overhead = overheadSamples(cpu, ours, (frame) => SQLITE_BINDING.test(frame.url));
  const ownerComponentOf = (s: number): string | undefined => (inWindow(s) ? table.componentOf(owners[s]) : undefined);
  const componentOf = (s: number): string | undefined => (overhead[s] === 1 ? undefined : ownerComponentOf(s));
  // Every figure below is a share of this: the CPU time of every sample of the window but idle ones.
  const all = analyzeCpuProfile(cpu, times, inWindow, { topFunctions: 0, callGraphEdges: 0 });
  const shareOf = (cpuMs: number) => (all.cpuMs === 0 ? 0 : cpuMs / all.cpuMs);
  const byComponent = new Map<string, Map<string, { sampleCount: number; cpuMs: number }>>();
  for (let s = 0; s < owners.length; s++) {
    const component = componentOf(s);
    if (component === undefined || isIdle(cpu, s)) continue;
    const operation = table.operationOf(owners[s]) ?? '';
    let operations = byComponent.get(component);
    if (operations === undefined) byComponent.set(component, (operations = new Map()));
    const entry = operations.get(operation) ?? { sampleCount: 0, cpuMs: 0 };
    entry.sampleCount++;
    entry.cpuMs += times.durationsUs[s] / 1000;
    operations.set(operation, entry);
  }
  // The app's hot spots never name the instrumentation's frames (its wrappers lie on every
  // operation's stack): they are left out, and their own samples are the overhead below.
  const appAnalysis = (include: (s: number) => boolean, topFunctions: number, callGraphEdges?: number) =>
    analyzeCpuProfile(cpu, times, include, { topFunctions, callGraphEdges, hidden: ours });
  let attributedSamples = 0;
  let attributedMs = 0;
  const components: ComponentProfile[] = [...byComponent.entries()].map(([component, operations]) => {
    const own = appAnalysis((s) => componentOf(s) === component, COMPONENT_TOP_FUNCTIONS, 0);
    attributedSamples += own.sampleCount;
    attributedMs += own.cpuMs;
    return {
      component,
      sampleCount: own.sampleCount,
      cpuMs: own.cpuMs,
      share: shareOf(own.cpuMs),
      operations: [...operations.entries()]
        .map(([operation, e]) => ({ operation, ...e }))
        .sort((a, b) => b.cpuMs - a.cpuMs),
      topFunctions: own.topFunctions,
    };
  });
  components.sort((a, b) => b.cpuMs - a.cpuMs);
  const instrumentation = analyzeCpuProfile(cpu, times, (s) => inWindow(s) && overhead[s] === 1, {
    topFunctions: COMPONENT_TOP_FUNCTIONS,
    callGraphEdges: 0,
  });
  const focus = appAnalysis(
    options.component === undefined
      ? (s) => inWindow(s) && overhead[s] === 0
      : (s) => componentOf(s) === options.component,
    profiler.options.topFunctions,
  );
  const unattributedSamples = all.sampleCount - attributedSamples - instrumentation.sampleCount;
  const unattributedMs = Math.max(0, all.cpuMs - attributedMs - instrumentation.cpuMs);

  const results: ProcessProfileResults = {
    pid: process.pid,
    startedAt: startedAt.toISOString(),
    durationMs: (stopUs - startUs) / 1000,
    totalSampleCount: all.sampleCount,
    totalCpuMs: all.cpuMs,
    sampleCount: focus.sampleCount,
    cpuMs: focus.cpuMs,
    unattributedSampleCount: unattributedSamples,
    unattributedCpuMs: unattributedMs,
    unattributedShare: shareOf(unattributedMs),
    instrumentation: {
      sampleCount: instrumentation.sampleCount,
      cpuMs: instrumentation.cpuMs,
      share: shareOf(instrumentation.cpuMs),
      topFunctions: instrumentation.topFunctions,
    },
    components,
    topFunctions: focus.topFunctions,
    callGraph: focus.callGraph,
    endedEarly,
  };
  if (options.component !== undefined) results.component = options.component;
  if (heapCapture !== undefined) results.memory = memoryOf(heapCapture, readings, profiler);
  if (profiler.options.writeFiles) {
    results.cpuProfilePath = profiler.writeFile(`${fileBase}.cpuprofile`, cpu);
    // Beside it, the component of every sample: a flame graph colours frames by component.
    if (results.cpuProfilePath !== undefined) {
      const ownerOf = (s: number) => {
        const component = ownerComponentOf(s);
        return component === undefined ? undefined : { component, operation: table.operationOf(owners[s]) ?? '' };
      };
      profiler.writeFile(
        attributionPathOf(results.cpuProfilePath),
        sampleAttribution(owners.length, ownerOf, instrumentationDirs()),
      );
    }
    if (heapCapture !== undefined)
      results.heapProfilePath = profiler.writeFile(`${fileBase}.heapprofile`, heapCapture.live);
  }
  profiler.publishProcess(results);
  return results;
}

function memoryOf(capture: HeapCapture, readings: HeapReading[], profiler: ProfilerManager): MemoryProfile {
  const top = profiler.options.topFunctions;
  const retainedHotSpots = allocationHotSpots(capture.retained, top);
  // One retained profile covers the whole window: what it allocated and still held at the end.
  const leak = assessLeak(readings, profiler.leakOptions(), () =>
    retainedHotSpots
      .slice(0, 5)
      .map((spot) => ({ function: spot.function, bytesPerRun: spot.bytes / readings.length })),
  );
  return {
    heapUsedBeforeBytes: capture.beforeBytes,
    heapUsedAfterBytes: capture.afterBytes,
    heapGrowthBytes: capture.afterBytes - capture.beforeBytes,
    allocationHotSpots: allocationHotSpots(capture.live, top),
    retainedHotSpots,
    leak,
  };
}

function isIdle(cpu: CpuProfile, sample: number): boolean {
  const id = cpu.samples?.[sample];
  // Idle samples sit on a single well-known node; a linear scan would be slow, so cache its id.
  return id !== undefined && id === idleNodeId(cpu);
}

const idleIds = new WeakMap<CpuProfile, number>();
function idleNodeId(cpu: CpuProfile): number {
  let id = idleIds.get(cpu);
  if (id === undefined) {
    id = cpu.nodes.find((n) => n.callFrame.functionName === '(idle)')?.id ?? -1;
    idleIds.set(cpu, id);
  }
  return id;
}

/** Waits `ms`; resolves true if the signal fired or the process began to exit first. */
function waitOrEnd(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const finish = (early: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      process.off('beforeExit', onExit);
      resolve(early);
    };
    const onAbort = () => finish(true);
    const onExit = () => finish(true);
    // Unref'd: profiling must not keep an app alive that is done.
    const timer = setTimeout(() => finish(false), ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort);
    process.once('beforeExit', onExit);
  });
}
