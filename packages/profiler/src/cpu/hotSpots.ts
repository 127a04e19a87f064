import type { CallFrame, CpuProfile } from './cpuProfile';
import type { SampleTimes } from './sampleTimes';

/** One function's share of the profiled CPU time. */
export interface HotSpot {
  function: string;
  /** Script path or URL; empty for native and V8-internal entries such as `(garbage collector)`. */
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  /** Time in the function itself, ms. */
  selfMs: number;
  /** Time in the function and everything it called, ms. */
  totalMs: number;
  selfSamples: number;
  /**
   * `selfMs` over the CPU time of all counted samples (0–1): by time, like the milliseconds beside
   * it (samples are not all equally long: V8 takes them on a timer, and a GC or a busy host
   * stretches one).
   */
  share: number;
}

/** A caller → callee edge of the call graph, weighted by the time spent through it. */
export interface CallEdge {
  caller: string;
  callee: string;
  ms: number;
  samples: number;
}

export interface CpuAnalysis {
  /** Samples counted (idle samples excluded). */
  sampleCount: number;
  /** CPU time the counted samples stand for, ms. */
  cpuMs: number;
  topFunctions: HotSpot[];
  callGraph: CallEdge[];
}

export interface AnalysisOptions {
  /** Hot spots kept, by self time. Default 20. */
  topFunctions?: number;
  /** Call-graph edges kept, by weight. Default 50. */
  callGraphEdges?: number;
  /**
   * Frames left out of the hot spots and the call graph (the instrumentation's own: wrappers that
   * every operation runs through): an edge then joins the nearest frames on either side of them.
   * Their time still counts in the samples' totals.
   */
  hidden?: (frame: CallFrame) => boolean;
}

// Time the profiler's thread found V8 doing nothing: not CPU the app spent.
const IDLE = '(idle)';
const ROOT = '(root)';

/**
 * Hot spots and call graph of the samples of `profile` that `include` accepts (all when omitted).
 * A function is identified by name, file, line and column, so two closures of the same name stay
 * apart; a recursive function counts each sample once in its total.
 */
export function analyzeCpuProfile(
  profile: CpuProfile,
  times: SampleTimes,
  include?: (sampleIndex: number) => boolean,
  options: AnalysisOptions = {},
): CpuAnalysis {
  const nodeCount = profile.nodes.length;
  const indexOfId = new Map<number, number>();
  profile.nodes.forEach((node, i) => indexOfId.set(node.id, i));
  const parent = new Int32Array(nodeCount).fill(-1);
  profile.nodes.forEach((node, i) => {
    for (const child of node.children ?? []) {
      const c = indexOfId.get(child);
      if (c !== undefined) parent[c] = i;
    }
  });

  // Functions: one entry per distinct call frame.
  const fnOfNode = new Int32Array(nodeCount);
  const frames: CallFrame[] = [];
  const fnByKey = new Map<string, number>();
  profile.nodes.forEach((node, i) => {
    const f = node.callFrame;
    const key = `${f.functionName}\0${f.url}\0${f.lineNumber}\0${f.columnNumber}`;
    let fn = fnByKey.get(key);
    if (fn === undefined) {
      fn = frames.length;
      frames.push(f);
      fnByKey.set(key, fn);
    }
    fnOfNode[i] = fn;
  });

  // Time and samples per node.
  const nodeUs = new Float64Array(nodeCount);
  const nodeSamples = new Float64Array(nodeCount);
  const samples = profile.samples ?? [];
  let sampleCount = 0;
  let cpuUs = 0;
  for (let s = 0; s < samples.length; s++) {
    if (include !== undefined && !include(s)) continue;
    const n = indexOfId.get(samples[s]);
    if (n === undefined || profile.nodes[n].callFrame.functionName === IDLE) continue;
    nodeUs[n] += times.durationsUs[s];
    nodeSamples[n]++;
    sampleCount++;
    cpuUs += times.durationsUs[s];
  }

  const fnCount = frames.length;
  const hidden = new Uint8Array(fnCount);
  if (options.hidden !== undefined) frames.forEach((f, fn) => (hidden[fn] = options.hidden!(f) ? 1 : 0));
  const selfUs = new Float64Array(fnCount);
  const selfSamples = new Float64Array(fnCount);
  const totalUs = new Float64Array(fnCount);
  const seenStamp = new Int32Array(fnCount).fill(-1);
  const edges = new Map<string, { caller: number; callee: number; us: number; samples: number }>();
  for (let n = 0; n < nodeCount; n++) {
    if (nodeSamples[n] === 0) continue;
    selfUs[fnOfNode[n]] += nodeUs[n];
    selfSamples[fnOfNode[n]] += nodeSamples[n];
    const edgesOnPath = new Set<string>();
    let below = -1; // the nearest shown function beneath `at` on this stack
    for (let at = n; at !== -1; at = parent[at]) {
      const fn = fnOfNode[at];
      if (frames[fn].functionName === ROOT) break;
      if (hidden[fn] === 1) continue;
      if (seenStamp[fn] !== n) {
        seenStamp[fn] = n;
        totalUs[fn] += nodeUs[n];
      }
      if (below !== -1 && below !== fn) {
        const key = `${fn}>${below}`;
        if (!edgesOnPath.has(key)) {
          edgesOnPath.add(key);
          let edge = edges.get(key);
          if (edge === undefined) edges.set(key, (edge = { caller: fn, callee: below, us: 0, samples: 0 }));
          edge.us += nodeUs[n];
          edge.samples += nodeSamples[n];
        }
      }
      below = fn;
    }
  }

  const topFunctions: HotSpot[] = [];
  for (let fn = 0; fn < fnCount; fn++) {
    if ((selfSamples[fn] === 0 && totalUs[fn] === 0) || hidden[fn] === 1) continue;
    const frame = frames[fn];
    if (frame.functionName === ROOT) continue;
    topFunctions.push({
      function: functionLabel(frame),
      file: fileOf(frame),
      line: frame.lineNumber >= 0 && frame.url !== '' ? frame.lineNumber + 1 : 0,
      selfMs: selfUs[fn] / 1000,
      totalMs: totalUs[fn] / 1000,
      selfSamples: selfSamples[fn],
      share: cpuUs === 0 ? 0 : selfUs[fn] / cpuUs,
    });
  }
  topFunctions.sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs);

  const callGraph = [...edges.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, options.callGraphEdges ?? 50)
    .map((e) => ({
      caller: frameLabel(frames[e.caller]),
      callee: frameLabel(frames[e.callee]),
      ms: e.us / 1000,
      samples: e.samples,
    }));

  return {
    sampleCount,
    cpuMs: cpuUs / 1000,
    topFunctions: topFunctions.slice(0, options.topFunctions ?? 20),
    callGraph,
  };
}

function functionLabel(frame: CallFrame): string {
  return frame.functionName || '(anonymous)';
}

function fileOf(frame: CallFrame): string {
  return frame.url.startsWith('file://') ? decodeURIComponent(frame.url.slice('file://'.length)) : frame.url;
}

/** `name file:line`, or just the name for native and V8-internal entries. */
export function frameLabel(frame: CallFrame): string {
  const file = fileOf(frame);
  return file === '' ? functionLabel(frame) : `${functionLabel(frame)} ${file}:${frame.lineNumber + 1}`;
}
