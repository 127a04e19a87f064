import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { timeOperation } from '@transcriber/instrumentation';
import { AttributionSpanProcessor, ProfilerManager } from '@transcriber/profiler';
import { isInstrumentationScript } from '@transcriber/profiler/flame';
import { instrumentationDirs } from '../../src/instrumentationDirs';
import {
  buildTranscriptsAndDrop,
  buildTranscriptsAndKeep,
  cacheTranscriptsForever,
  decodeSpeechFrames,
  nextTurn,
  planAnswer,
  synthesizeSpeech,
} from '../helpers/workloads';
import { profileRows } from '../helpers/profileRows';
import { makeTempDir, removeTempDirs } from '../../../../test/helpers/tempDir';

// A voice-agent turn: STT decodes in two async chunks, the LLM plans after an await, TTS runs
// synchronously inside the pipeline operation. Two turns run concurrently, so their operations
// interleave on the one thread.
function turn(): Promise<void> {
  return timeOperation('pipeline', 'turn', async () => {
    await timeOperation('stt', 'transcribe', async () => {
      await nextTurn();
      decodeSpeechFrames(6);
      await nextTurn();
      decodeSpeechFrames(6);
    });
    await timeOperation('llm', 'generate', async () => {
      await nextTurn();
      planAnswer(4);
    });
    timeOperation('tts', 'synthesize', () => synthesizeSpeech(2));
  });
}

async function whileProfiling<T>(profile: () => Promise<T>, work: () => Promise<void>): Promise<T> {
  let running = true;
  const loops = [0, 1].map(async () => {
    while (running) await work();
  });
  try {
    return await profile();
  } finally {
    running = false;
    await Promise.all(loops);
  }
}

describe('whole-process profile with attribution', () => {
  let provider: NodeTracerProvider;
  let dataDir: string;
  let profiler: ProfilerManager;

  beforeAll(() => {
    provider = new NodeTracerProvider({ spanProcessors: [new AttributionSpanProcessor()] });
    provider.register();
    // Compiled before any profile, so no stage runs interpreted (and ~10× longer) in one of them.
    for (let i = 0; i < 5; i++) {
      decodeSpeechFrames(1);
      planAnswer(1);
      synthesizeSpeech(1);
    }
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    removeTempDirs();
  });
  beforeEach(() => {
    dataDir = makeTempDir();
    profiler = new ProfilerManager(dataDir);
  });
  afterEach(() => profiler.shutdown());

  it('attributes the samples of the STT workload to stt', async () => {
    const results = await whileProfiling(() => profiler.profileProcess({ durationMs: 1500 }), turn);
    const byComponent = Object.fromEntries(results.components.map((c) => [c.component, c]));
    // The work is 12 units STT : 4 units LLM : 2 units TTS per turn (67% : 22% : 11% of the stages).
    const stages = byComponent.stt.cpuMs + byComponent.llm.cpuMs + byComponent.tts.cpuMs;
    expect(byComponent.stt.cpuMs / stages).toBeGreaterThan(0.5);
    expect(byComponent.stt.share).toBeGreaterThan(2 * byComponent.llm.share);
    expect(byComponent.llm.share).toBeGreaterThan(byComponent.tts.share);
    // Each component's own stage function is its hottest JavaScript; the others' are absent or a
    // boundary sample or two (see the note in profilerContext.test.ts).
    const selfMs = (component: string, fn: string) =>
      byComponent[component].topFunctions.find((f) => f.function === fn)?.selfMs ?? 0;
    const own = { stt: 'decodeSpeechFrames', llm: 'planAnswer', tts: 'synthesizeSpeech' };
    for (const [component, ownFunction] of Object.entries(own)) {
      const hottestJs = byComponent[component].topFunctions.find((f) => f.file !== '');
      expect(hottestJs?.function).toBe(ownFunction);
      for (const other of Object.values(own).filter((fn) => fn !== ownFunction)) {
        expect(selfMs(component, other)).toBeLessThan(0.1 * selfMs(component, ownFunction));
      }
    }
    expect(byComponent.stt.operations).toEqual([expect.objectContaining({ operation: 'transcribe' })]);
    expect(results.endedEarly).toBe(false);
  });

  it('answers "where does STT spend its CPU?" with --component, and stores the result', async () => {
    const results = await whileProfiling(() => profiler.profileProcess({ durationMs: 800, component: 'stt' }), turn);
    expect(results.component).toBe('stt');
    const jsFunctions = results.topFunctions.filter((f) => f.file !== '');
    expect(jsFunctions[0].function).toBe('decodeSpeechFrames');
    const planAnswer = jsFunctions.find((f) => f.function === 'planAnswer')?.selfMs ?? 0;
    expect(planAnswer).toBeLessThan(0.1 * jsFunctions[0].selfMs);
    await profiler.flush();
    const [row] = profileRows(dataDir);
    expect(row).toMatchObject({ kind: 'process', component: 'stt', operation: 'process' });
    expect(JSON.parse(row.components as string).map((c: { component: string }) => c.component)).toContain('stt');
  });

  // Many short operations: the instrumentation's own code (span start and end, the histogram)
  // takes a real share of the thread, inside the operations.
  it('counts every sample once, by time, and shows our own frames as the overhead, not as hot spots', async () => {
    const chattyTurn = async () => {
      for (let i = 0; i < 300; i++) timeOperation('vad', 'frame', () => decodeSpeechFrames(0.01));
      await timeOperation('stt', 'transcribe', async () => {
        await nextTurn();
        decodeSpeechFrames(2);
      });
    };
    const results = await whileProfiling(() => profiler.profileProcess({ durationMs: 1000 }), chattyTurn);
    const parts = [...results.components, results.instrumentation];
    const cpuMs = parts.reduce((sum, p) => sum + p.cpuMs, results.unattributedCpuMs);
    const samples = parts.reduce((sum, p) => sum + p.sampleCount, results.unattributedSampleCount);
    expect(cpuMs).toBeCloseTo(results.totalCpuMs, 6);
    expect(samples).toBe(results.totalSampleCount);
    for (const p of parts) expect(p.share).toBeCloseTo(p.cpuMs / results.totalCpuMs, 10);
    expect(results.unattributedShare).toBeCloseTo(results.unattributedCpuMs / results.totalCpuMs, 10);
    for (const f of results.topFunctions) expect(f.share).toBeCloseTo(f.selfMs / results.cpuMs, 10);

    const ours = (f: { file: string }) => isInstrumentationScript(f.file, instrumentationDirs());
    expect(results.instrumentation.cpuMs).toBeGreaterThan(0);
    expect(results.instrumentation.topFunctions.some(ours)).toBe(true);
    const appSpots = [...results.topFunctions, ...results.components.flatMap((c) => c.topFunctions)];
    expect(appSpots.filter(ours)).toEqual([]);
    expect(results.components.find((c) => c.component === 'vad')?.sampleCount).toBeGreaterThan(0);
  });

  it('judges memory growth over the window and names what keeps it', async () => {
    const leakyTurn = async () => {
      timeOperation('stt', 'cache', () => cacheTranscriptsForever(64));
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const results = await whileProfiling(
      () => profiler.profileProcess({ durationMs: 1200, enableMemory: true }),
      leakyTurn,
    );
    expect(results.memory!.leak.status).toBe('suspected');
    expect(results.memory!.leak.suspects[0].function).toMatch(/^cacheTranscriptsForever /);
  });

  it('sees the leak while memory from before the window is being released', async () => {
    // A cache filled before the profile expires during it, a chunk per turn: the heap shrinks over
    // the first intervals by far more than the leak adds, yet the leak is what stays.
    let expiring = Array.from({ length: 80 }, () => buildTranscriptsAndKeep(96));
    const leakyTurn = async () => {
      expiring = expiring.slice(1);
      timeOperation('stt', 'cache', () => cacheTranscriptsForever(16));
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const results = await whileProfiling(
      () => profiler.profileProcess({ durationMs: 1200, enableMemory: true }),
      leakyTurn,
    );
    expect(results.memory!.heapGrowthBytes).toBeLessThan(0);
    expect(results.memory!.leak.status).toBe('suspected');
    expect(results.memory!.leak.suspects[0].function).toMatch(/^cacheTranscriptsForever /);
    expect(results.memory!.leak.suspects.map((s) => s.function).join()).not.toMatch(/buildTranscriptsAndKeep/);
  });

  it('leaves its own allocations out of what the app holds', async () => {
    const results = await whileProfiling(
      () => profiler.profileProcess({ durationMs: 600, enableMemory: true }),
      async () => {
        timeOperation('stt', 'cache', () => cacheTranscriptsForever(16));
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    );
    // The live profile the recording reads back before its last GC is still held at that GC.
    const spots = [...results.memory!.retainedHotSpots, ...results.memory!.allocationHotSpots];
    expect(spots.length).toBeGreaterThan(0);
    expect(spots.filter((s) => /node:inspector|packages\/profiler\/src\//.test(s.function))).toEqual([]);
  });

  it('does not flag a process whose operations allocate as much but keep nothing', async () => {
    const cleanTurn = async () => {
      timeOperation('stt', 'build', () => buildTranscriptsAndDrop(64));
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const results = await whileProfiling(
      () => profiler.profileProcess({ durationMs: 1200, enableMemory: true }),
      cleanTurn,
    );
    expect(results.memory!.leak).toMatchObject({ status: 'clean', suspected: false, suspects: [] });
  });

  it('rejects a non-positive duration and a second profile at the same time', async () => {
    await expect(profiler.profileProcess({ durationMs: 0 })).rejects.toThrow(/durationMs must be a positive number/);
    const first = profiler.profileProcess({ durationMs: 200 });
    await expect(profiler.profileProcess({ durationMs: 200 })).rejects.toThrow(/already running/);
    await first;
  });
});
