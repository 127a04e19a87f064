import type { CallFrame, CpuProfile } from '../cpu/cpuProfile';
import { sampleTimes } from '../cpu/sampleTimes';
import { isInstrumentationScript } from './instrumentationFrames';
import { ownerIndexes, type SampleAttribution } from './sampleAttribution';

/** One frame of a flame graph: a function at one place in the call stacks, with the time through it. */
export interface FlameNode {
  /** Function name (`(anonymous)` when it has none). */
  name: string;
  /** Script path or URL; empty for native and V8 entries. */
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  /** Time of the samples whose stack goes through this frame, ms. */
  totalMs: number;
  /** Time of the samples taken in this frame itself, ms. */
  selfMs: number;
  /** `totalMs` by the component the samples were charged to (`''`: none). */
  components: Record<string, number>;
  /** Largest first. Frames under 0.05% of all the time are left out (their time stays in `totalMs`). */
  children: FlameNode[];
}

export interface FlameGraph {
  /** The app's stacks, the instrumentation's frames taken out of them (the app's frames close up). */
  app: FlameNode;
  /**
   * The samples whose innermost JavaScript frame is the instrumentation's (its overhead), with the
   * instrumentation's frames only: grouped apart from the app's.
   */
  instrumentation: FlameNode;
  /** All counted samples (idle left out), ms. */
  totalMs: number;
  /** Components the samples were charged to, most time first (`''` for none). */
  components: string[];
  /** Whether per-sample attribution was available (otherwise every sample counts as `''`). */
  attributed: boolean;
}

const MIN_SHARE = 0.0005;

interface Building {
  node: FlameNode;
  children: Map<string, Building>;
}

/**
 * A flame graph (call stacks merged, time per frame) of a V8 CPU profile, with each frame's time
 * split by component when the profile's sample attribution is given. Idle samples are left out.
 */
export function flameGraph(profile: CpuProfile, attribution?: SampleAttribution): FlameGraph {
  const samples = profile.samples ?? [];
  const times = sampleTimes(profile);
  const owners = attribution === undefined ? undefined : ownerIndexes(attribution, samples.length);
  const dirs = attribution?.instrumentationDirs ?? [];
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  // Each node's stack below the root, outermost first, made once per node.
  const stacks = new Map<number, CallFrame[]>();
  const stackOf = (id: number): CallFrame[] => {
    let stack = stacks.get(id);
    if (stack !== undefined) return stack;
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || frame.functionName === '(root)') break;
      frames.push(frame);
    }
    stack = frames.reverse();
    stacks.set(id, stack);
    return stack;
  };
  const ours = new Map<string, boolean>();
  const isOurs = (frame: CallFrame) => {
    let known = ours.get(frame.url);
    if (known === undefined) ours.set(frame.url, (known = isInstrumentationScript(frame.url, dirs)));
    return known;
  };

  const app = building('(all)');
  const instrumentation = building('(instrumentation)');
  const componentMs = new Map<string, number>();
  for (let s = 0; s < samples.length; s++) {
    const stack = stackOf(samples[s]);
    if (stack.length === 0 || stack[stack.length - 1].functionName === '(idle)') continue;
    const ms = times.durationsUs[s] / 1000;
    const owner = owners?.[s] ?? -1;
    const component = owner >= 0 ? attribution!.owners[owner].component : '';
    componentMs.set(component, (componentMs.get(component) ?? 0) + ms);
    let innermostJs = -1;
    for (let i = stack.length - 1; i >= 0 && innermostJs === -1; i--) if (stack[i].url !== '') innermostJs = i;
    const overhead = innermostJs !== -1 && isOurs(stack[innermostJs]);
    // Overhead: the instrumentation's frames and what runs below its innermost one (natives it
    // called). The app: every frame but the instrumentation's.
    const path = overhead
      ? stack.filter((f, i) => i > innermostJs || isOurs(f))
      : stack.filter((f) => f.url === '' || !isOurs(f));
    add(overhead ? instrumentation : app, path, ms, component);
  }
  const totalMs = app.node.totalMs + instrumentation.node.totalMs;
  return {
    app: finish(app, totalMs * MIN_SHARE),
    instrumentation: finish(instrumentation, totalMs * MIN_SHARE),
    totalMs,
    components: [...componentMs.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c),
    attributed: owners !== undefined,
  };
}

function building(name: string, file = '', line = 0): Building {
  return { node: { name, file, line, totalMs: 0, selfMs: 0, components: {}, children: [] }, children: new Map() };
}

function add(root: Building, path: readonly CallFrame[], ms: number, component: string): void {
  let at = root;
  count(at.node, ms, component);
  for (const frame of path) {
    const key = `${frame.functionName}\0${frame.url}\0${frame.lineNumber}\0${frame.columnNumber}`;
    let next = at.children.get(key);
    if (next === undefined) {
      next = building(frame.functionName || '(anonymous)', frame.url, frame.lineNumber >= 0 ? frame.lineNumber + 1 : 0);
      at.children.set(key, next);
    }
    at = next;
    count(at.node, ms, component);
  }
  at.node.selfMs += ms;
}

function count(node: FlameNode, ms: number, component: string): void {
  node.totalMs += ms;
  node.components[component] = (node.components[component] ?? 0) + ms;
}

function finish(b: Building, minMs: number): FlameNode {
  b.node.children = [...b.children.values()]
    .filter((c) => c.node.totalMs >= minMs)
    .sort((x, y) => y.node.totalMs - x.node.totalMs)
    .map((c) => finish(c, minMs));
  return b.node;
}
