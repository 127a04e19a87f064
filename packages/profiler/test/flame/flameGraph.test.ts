import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProfilerContext, ProfilerManager } from '@transcriber/profiler';
import {
  attributionPathOf,
  flameGraph,
  isInstrumentationScript,
  readFlameGraph,
  sampleAttribution,
  type CpuProfile,
  type FlameNode,
} from '@transcriber/profiler/flame';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';
import { countPrimes } from '../helpers/workloads';

afterAll(removeTempDirs);

const frame = (functionName: string, url: string) => ({
  functionName,
  url,
  scriptId: '1',
  lineNumber: 4,
  columnNumber: 0,
});
const OURS = '/srv/app/node_modules/@transcriber/instrumentation/dist/timeOperation.js';
const OTEL = '/srv/app/node_modules/@opentelemetry/sdk-trace-base/build/src/Span.js';

/** root → main → timedCall (ours) → { decode, end (OTel) }; root → (garbage collector), (idle). */
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 7] },
    { id: 2, callFrame: frame('main', '/srv/app/main.js'), children: [3] },
    { id: 3, callFrame: frame('timedCall', OURS), children: [4, 6] },
    { id: 4, callFrame: frame('decode', '/srv/app/stt.js') },
    { id: 6, callFrame: frame('end', OTEL) },
    { id: 5, callFrame: frame('(garbage collector)', '') },
    { id: 7, callFrame: frame('(idle)', '') },
  ],
  startTime: 0,
  endTime: 7000,
  // Each sample stands for 1 ms (the last: to the end, 2 ms).
  samples: [4, 4, 4, 6, 5, 7],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
};

const byName = (node: FlameNode, name: string): FlameNode | undefined =>
  node.name === name ? node : node.children.map((c) => byName(c, name)).find((n) => n !== undefined);

describe('flameGraph', () => {
  it('merges stacks, splits each frame by component, and keeps the instrumentation’s frames apart', () => {
    const attribution = sampleAttribution(
      6,
      (s) => (s < 4 ? { component: 'stt', operation: 'transcribe' } : undefined),
      ['/srv/elsewhere'],
    );
    expect(attribution.runs).toEqual([0, 4, -1, 2]);
    const graph = flameGraph(PROFILE, attribution);
    expect(graph.attributed).toBe(true);
    // Idle left out: three decode samples, one in OTel's `end`, one GC.
    expect(graph.totalMs).toBe(5);
    expect(graph.components).toEqual(['stt', '']);
    // The app's stacks close up around the instrumentation's frame: main → decode.
    expect(graph.app.children.map((c) => c.name)).toEqual(['main', '(garbage collector)']);
    const main = graph.app.children[0];
    expect(main.children.map((c) => c.name)).toEqual(['decode']);
    expect(byName(graph.app, 'decode')).toMatchObject({ totalMs: 3, selfMs: 3, components: { stt: 3 }, line: 5 });
    expect(byName(graph.app, '(garbage collector)')).toMatchObject({ totalMs: 1, components: { '': 1 } });
    expect(byName(graph.app, 'timedCall')).toBeUndefined();
    // The sample in OTel's code is the instrumentation's overhead, under its own frames only.
    expect(graph.instrumentation.totalMs).toBe(1);
    expect(graph.instrumentation.children.map((c) => c.name)).toEqual(['timedCall']);
    expect(graph.instrumentation.children[0].children.map((c) => c.name)).toEqual(['end']);
    expect(byName(graph.instrumentation, 'end')!.components).toEqual({ stt: 1 });
  });

  it('without an attribution every sample has no component', () => {
    const graph = flameGraph(PROFILE);
    expect(graph.attributed).toBe(false);
    expect(graph.components).toEqual(['']);
    expect(byName(graph.app, 'decode')!.components).toEqual({ '': 3 });
  });

  it('knows the instrumentation’s scripts by the directories the process reported, or by package', () => {
    expect(isInstrumentationScript(OURS)).toBe(true);
    expect(isInstrumentationScript(OTEL)).toBe(true);
    expect(isInstrumentationScript('file:///srv/app/node_modules/@opentelemetry/api/build/esm/index.js')).toBe(true);
    expect(isInstrumentationScript('/repo/packages/node/dist/preload.bundle.js')).toBe(true);
    expect(isInstrumentationScript('/repo/packages/node/dist/x.js', ['/repo/packages/node/dist'])).toBe(true);
    expect(isInstrumentationScript('/repo/packages/node/distant.js', ['/repo/packages/node/dist'])).toBe(false);
    expect(isInstrumentationScript('/srv/app/stt.js')).toBe(false);
    expect(isInstrumentationScript('')).toBe(false);
  });
});

describe('a stored profile’s flame graph', () => {
  let profiler: ProfilerManager;
  let dataDir: string;

  beforeEach(() => {
    dataDir = makeTempDir();
    profiler = new ProfilerManager(dataDir, { samplingIntervalUs: 200 });
  });
  afterEach(() => profiler.shutdown());

  it('is drawn from the .cpuprofile file and the attribution written beside it', () => {
    const ctx = new ProfilerContext(profiler, 'stt', 'transcribe');
    ctx.run(() => countPrimes(300_000));
    const results = ctx.getProfileResults();
    const file = results.cpuProfilePath!;
    expect(fs.existsSync(attributionPathOf(file))).toBe(true);
    const read = readFlameGraph(file);
    if (read.state !== 'ok') throw new Error(read.message);
    expect(read.graph.attributed).toBe(true);
    const primes = byName(read.graph.app, 'countPrimes')!;
    expect(primes.components.stt).toBeGreaterThan(0);
    // The operation's own samples only carry its component.
    expect(primes.components.stt).toBeGreaterThanOrEqual(0.9 * primes.totalMs);
  });

  it('is refused for anything but a readable V8 CPU profile, and drawn without a broken attribution', () => {
    const dir = makeTempDir();
    expect(readFlameGraph(path.join(dir, 'x.json')).state).toBe('not-a-profile');
    expect(readFlameGraph(path.join(dir, 'gone.cpuprofile')).state).toBe('missing');
    fs.writeFileSync(path.join(dir, 'bad.cpuprofile'), '{"nodes": 3}');
    expect(readFlameGraph(path.join(dir, 'bad.cpuprofile')).state).toBe('not-a-profile');
    fs.mkdirSync(path.join(dir, 'dir.cpuprofile'));
    expect(readFlameGraph(path.join(dir, 'dir.cpuprofile')).state).toBe('not-a-profile');
    const good = path.join(dir, 'good.cpuprofile');
    fs.writeFileSync(good, JSON.stringify(PROFILE));
    fs.writeFileSync(attributionPathOf(good), '{"format": "something else"}');
    const read = readFlameGraph(good);
    expect(read.state === 'ok' && read.graph.attributed).toBe(false);
  });
});
