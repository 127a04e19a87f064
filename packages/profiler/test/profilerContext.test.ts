import * as fs from 'node:fs';
import { ProfilerContext, ProfilerManager, type ProfileResults } from '@transcriber/profiler';
import {
  buildTranscriptsAndDrop,
  cacheTranscriptsForever,
  countPrimes,
  decodeSpeechFrames,
  nextTurn,
  planAnswer,
  sumSmall,
} from './helpers/workloads';
import { profileRows } from './helpers/profileRows';
import { makeTempDir, removeTempDirs } from '../../../test/helpers/tempDir';

afterAll(removeTempDirs);

describe('ProfilerContext', () => {
  let dataDir: string;
  let profiler: ProfilerManager;

  beforeEach(() => {
    dataDir = makeTempDir();
    profiler = new ProfilerManager(dataDir, { samplingIntervalUs: 200 });
  });
  afterEach(() => profiler.shutdown());

  it('puts the CPU-heavy function at the top of the hot spots', () => {
    const ctx = new ProfilerContext(profiler, 'stt', 'transcribe');
    const primes = ctx.run(() => {
      sumSmall(20_000);
      return countPrimes(300_000);
    });
    expect(primes).toBe(25997);
    const results = ctx.getProfileResults();
    expect(results).toMatchObject({ component: 'stt', operation: 'transcribe' });
    expect(results.sampleCount).toBeGreaterThan(20);
    const [top] = results.topFunctions;
    expect(top.function).toBe('countPrimes');
    expect(top.file).toMatch(/workloads\.ts$/);
    expect(top.line).toBeGreaterThan(0);
    expect(top.share).toBeGreaterThan(0.5);
    expect(top.totalMs).toBeGreaterThanOrEqual(top.selfMs);
    expect(results.callGraph.some((e) => e.callee.startsWith('countPrimes ') && e.ms > 0)).toBe(true);
  });

  it('counts only its own work when other work interleaves with an async operation', async () => {
    // Another "stage" burns CPU on every turn of the loop while the profiled operation awaits.
    let interleaving = true;
    const other = (async () => {
      while (interleaving) {
        planAnswer(3);
        await nextTurn();
      }
    })();
    const ctx = new ProfilerContext(profiler, 'stt', 'transcribe');
    await ctx.run(async () => {
      for (let i = 0; i < 10; i++) {
        await nextTurn();
        decodeSpeechFrames(3);
      }
    });
    interleaving = false;
    await other;
    const results = ctx.getProfileResults();
    const selfMs = (name: string) => results.topFunctions.find((f) => f.function === name)?.selfMs ?? 0;
    expect(selfMs('decodeSpeechFrames')).toBeGreaterThan(10);
    // Both stages ran equally long. A sample's timestamp can precede the capture of its stack by
    // the signal's delivery time, so on a loaded machine a few samples at a boundary may land on
    // the neighbour; counting the other stage's work would make it as large as our own.
    expect(selfMs('planAnswer')).toBeLessThan(0.2 * selfMs('decodeSpeechFrames'));
    // About half the wall time was the other stage's.
    expect(results.cpuMs).toBeLessThan(results.durationMs * 0.8);
  });

  it('returns what the function returns, the same promise, and rethrows its errors', async () => {
    expect(new ProfilerContext(profiler, 'tts', 'speak').run(() => 42)).toBe(42);
    const promise = Promise.resolve('audio');
    expect(new ProfilerContext(profiler, 'tts', 'speak').run(() => promise)).toBe(promise);
    const failure = new TypeError('bad frame');
    expect(() =>
      new ProfilerContext(profiler, 'tts', 'speak').run(() => {
        throw failure;
      }),
    ).toThrow(failure);
    const rejected = new ProfilerContext(profiler, 'tts', 'speak').run(() => Promise.reject(failure));
    await expect(rejected).rejects.toBe(failure);
  });

  it('works as a handle around awaited code (await using)', async () => {
    let results: ProfileResults;
    {
      await using ctx = new ProfilerContext(profiler, 'vad', 'detect').start();
      await nextTurn();
      // Fixed work (~50 ms on an idle core), not a time: a loaded machine gives a clock-watching
      // loop less CPU, and starves V8's sampling thread too.
      decodeSpeechFrames(50);
      results = ctx.stop();
    }
    expect(results.sampleCount).toBeGreaterThan(10);
    // The hottest JavaScript function (V8's own entries, such as the GC, have no file).
    expect(results.topFunctions.find((f) => f.file !== '')!.function).toBe('decodeSpeechFrames');
  });

  it('writes raw profiles that DevTools and speedscope open, owner-only', () => {
    const ctx = new ProfilerContext(profiler, 'stt', 'transcribe', { enableMemory: true });
    ctx.run(() => countPrimes(100_000));
    const { cpuProfilePath, heapProfilePath } = ctx.getProfileResults();
    const cpu = JSON.parse(fs.readFileSync(cpuProfilePath!, 'utf8'));
    expect(cpu.nodes[0].callFrame.functionName).toBe('(root)');
    expect(cpu.samples.length).toBe(cpu.timeDeltas.length);
    expect(cpu.endTime).toBeGreaterThan(cpu.startTime);
    const heap = JSON.parse(fs.readFileSync(heapProfilePath!, 'utf8'));
    expect(heap.head.callFrame.functionName).toBe('(root)');
    expect(Array.isArray(heap.samples)).toBe(true);
    expect(fs.statSync(cpuProfilePath!).mode & 0o777).toBe(0o600);
  });

  it('refuses to start twice', () => {
    const ctx = new ProfilerContext(profiler, 'stt', 'transcribe').start();
    expect(() => ctx.start()).toThrow(/already started/);
    ctx.stop();
    expect(() => ctx.run(() => 1)).toThrow(/already started/);
  });
});

describe('memory profiling and leak detection', () => {
  let dataDir: string;
  let profiler: ProfilerManager;

  beforeEach(() => {
    dataDir = makeTempDir();
    profiler = new ProfilerManager(dataDir, { leakMinRuns: 5 });
  });
  afterEach(() => profiler.shutdown());

  function profileRuns(operation: string, work: () => unknown, runs: number): ProfileResults[] {
    const results: ProfileResults[] = [];
    for (let i = 0; i < runs; i++) {
      const ctx = new ProfilerContext(profiler, 'stt', operation, { enableMemory: true });
      ctx.run(work);
      results.push(ctx.getProfileResults());
    }
    return results;
  }

  it('flags an operation that keeps memory run after run, naming the allocating function', () => {
    const results = profileRuns('cache', () => cacheTranscriptsForever(256), 6);
    const last = results[results.length - 1].memory!;
    expect(results[0].memory!.leak.status).toBe('insufficient_runs');
    expect(last.leak.status).toBe('suspected');
    expect(last.heapGrowthBytes).toBeGreaterThan(100 * 1024);
    expect(last.retainedHotSpots[0].function).toMatch(/^cacheTranscriptsForever .*workloads\.ts:\d+$/);
    expect(last.leak.suspects[0].function).toMatch(/^cacheTranscriptsForever /);
  });

  it('does not flag an operation that allocates as much but keeps nothing', () => {
    const results = profileRuns('build', () => buildTranscriptsAndDrop(256), 6);
    for (const r of results.slice(4)) expect(r.memory!.leak).toMatchObject({ status: 'clean', suspected: false });
    // Per run, the heap after GC also moves with whatever else the Jest worker does; across the
    // runs (the median the leak rule reads) the clean operation keeps nothing.
    expect(Math.abs(results[5].memory!.leak.medianGrowthBytes)).toBeLessThan(32 * 1024);
  });

  it('profiles memory of one operation at a time; an overlapping one says why it has none', async () => {
    const outer = new ProfilerContext(profiler, 'llm', 'generate', { enableMemory: true }).start();
    const inner = new ProfilerContext(profiler, 'tool', 'call', { enableMemory: true });
    inner.run(() => sumSmall(1000));
    expect(inner.getProfileResults().memory).toBeUndefined();
    expect(inner.getProfileResults().memoryUnavailable).toMatch(/another memory profile/);
    expect(outer.stop().memory).toBeDefined();
  });

  it('persists every result to profile_results.db without an SDK', async () => {
    profileRuns('cache', () => cacheTranscriptsForever(256), 5);
    await profiler.flush();
    const rows = profileRows(dataDir);
    expect(rows).toHaveLength(5);
    const last = rows[4];
    expect(last).toMatchObject({ component: 'stt', operation: 'cache', kind: 'operation', leak_suspected: 1 });
    expect(JSON.parse(last.memory as string).leak.suspects[0].function).toMatch(/^cacheTranscriptsForever /);
    expect(JSON.parse(last.top_functions as string)).toEqual(expect.any(Array));
    expect(last.cpuprofile_path).toMatch(/stt\.cache-.*\.cpuprofile$/);
    expect(fs.existsSync(last.heapprofile_path as string)).toBe(true);
  });
});
