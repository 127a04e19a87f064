import { analyzeCpuProfile } from '../../src/cpu/hotSpots';
import type { CpuProfile } from '../../src/cpu/cpuProfile';
import { sampleTimes } from '../../src/cpu/sampleTimes';

const frame = (functionName: string, lineNumber: number, url = 'file:///app/stt.js') => ({
  functionName,
  scriptId: '1',
  url,
  lineNumber,
  columnNumber: 0,
});

// root → main → a → b, main → b, root → (idle); one sample per millisecond.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', -1, ''), children: [2, 6] },
    { id: 2, callFrame: frame('main', 0), children: [3, 5] },
    { id: 3, callFrame: frame('a', 9), children: [4] },
    { id: 4, callFrame: frame('b', 19) },
    { id: 5, callFrame: frame('b', 19) },
    { id: 6, callFrame: frame('(idle)', -1, '') },
  ],
  startTime: 0,
  endTime: 5000,
  samples: [3, 4, 4, 5, 6],
  timeDeltas: [0, 1000, 1000, 1000, 1000],
};

describe('analyzeCpuProfile', () => {
  const times = sampleTimes(profile);

  it('gives each function its self and total time, merging its nodes, without idle time', () => {
    const result = analyzeCpuProfile(profile, times);
    expect(result.sampleCount).toBe(4);
    expect(result.cpuMs).toBe(4);
    expect(result.topFunctions.map((f) => [f.function, f.selfMs, f.totalMs, f.share])).toEqual([
      ['b', 3, 3, 0.75],
      ['a', 1, 3, 0.25],
      ['main', 0, 4, 0],
    ]);
    expect(result.topFunctions[0]).toMatchObject({ file: '/app/stt.js', line: 20 });
  });

  it('weights caller → callee edges by the time spent through them', () => {
    const edges = analyzeCpuProfile(profile, times).callGraph.map((e) => [e.caller, e.callee, e.ms]);
    expect(edges).toEqual([
      ['main /app/stt.js:1', 'a /app/stt.js:10', 3],
      ['a /app/stt.js:10', 'b /app/stt.js:20', 2],
      ['main /app/stt.js:1', 'b /app/stt.js:20', 1],
    ]);
  });

  it('counts only the samples the filter accepts', () => {
    const result = analyzeCpuProfile(profile, times, (s) => s >= 3);
    expect(result.sampleCount).toBe(1);
    expect(result.topFunctions.map((f) => f.function)).toEqual(['b', 'main']);
  });

  it('counts a recursive function once per sample in its total', () => {
    const recursive: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', -1, ''), children: [2] },
        { id: 2, callFrame: frame('fib', 4), children: [3] },
        { id: 3, callFrame: frame('fib', 4) },
      ],
      startTime: 0,
      endTime: 2000,
      samples: [3, 3],
      timeDeltas: [0, 1000],
    };
    const [fib] = analyzeCpuProfile(recursive, sampleTimes(recursive)).topFunctions;
    expect(fib).toMatchObject({ function: 'fib', selfMs: 2, totalMs: 2, selfSamples: 2 });
  });

  it('gives each hot spot its share of the CPU by time, like its milliseconds, whatever the samples last', () => {
    // A GC or a busy host stretches a sample: b's 3 samples last 1 ms, a's 1 sample 5 ms.
    const uneven: CpuProfile = { ...profile, samples: [3, 4, 4, 5], timeDeltas: [0, 5000, 1000, 1000], endTime: 8000 };
    const result = analyzeCpuProfile(uneven, sampleTimes(uneven));
    for (const f of result.topFunctions) expect(f.share).toBeCloseTo(f.selfMs / result.cpuMs, 10);
    expect(result.topFunctions.map((f) => [f.function, f.selfMs])).toEqual([
      ['a', 5],
      ['b', 3],
      ['main', 0],
    ]);
  });

  it("leaves hidden frames (the instrumentation's wrappers) out, joining the call graph across them", () => {
    // root → app → wrapped (ours) → work, sampled in work.
    const wrapped: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', -1, ''), children: [2] },
        { id: 2, callFrame: frame('app', 0), children: [3] },
        { id: 3, callFrame: frame('wrapped', 5, 'file:///ours/preload.bundle.js'), children: [4] },
        { id: 4, callFrame: frame('work', 9) },
      ],
      startTime: 0,
      endTime: 2000,
      samples: [4, 4],
      timeDeltas: [0, 1000],
    };
    const result = analyzeCpuProfile(wrapped, sampleTimes(wrapped), undefined, {
      hidden: (f) => f.url.includes('/ours/'),
    });
    expect(result.topFunctions.map((f) => f.function)).toEqual(['work', 'app']);
    expect(result.callGraph.map((e) => [e.caller, e.callee])).toEqual([['app /app/stt.js:1', 'work /app/stt.js:10']]);
    expect(result.cpuMs).toBe(2);
  });
});
