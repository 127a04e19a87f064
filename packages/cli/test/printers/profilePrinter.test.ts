import type { HotSpot, LeakVerdict, MemoryProfile } from '@transcriber/profiler/client';
import { makeStyle, withoutColour } from '../../src/output/style';
import { printProfile } from '../../src/printers/profilePrinter';
import type { ProfileReport } from '../../src/results/profile';

const plain = makeStyle(false);
const MIB = 1024 * 1024;
const FILES_HINT = 'open .cpuprofile / .heapprofile in Chrome DevTools, VS Code or speedscope';
const CPU_MEANING =
  "CPU: the main thread's time in V8's samples (each counts as their mean interval), idle left out; every share below is of it";
const ROWS_MEANING =
  "(no operation): the app's code outside any component operation · (instrumentation): our own code (preload, OpenTelemetry), the cost of measuring";
const OVERHEAD_MEANING =
  "our own code and what it called (Node's module loader for our modules, SQLite for our writes)";

function hotSpot(name: string, file: string, line: number, selfMs: number, totalMs: number, share: number): HotSpot {
  return { function: name, file, line, selfMs, totalMs, selfSamples: Math.round(selfMs), share };
}

const decode = hotSpot('decodeSpeechFrames', '/home/user/agent/src/stt/decode.js', 42, 500.25, 600, 0.4);
const plan = hotSpot('planAnswer', 'file:///home/user/agent/src/llm/plan.mjs', 0, 250, 275.1, 0.2);
const gc = hotSpot('(garbage collector)', '', 0, 10, 10, 0.0008);

// 1,234 samples: 700 of stt, 300 of llm, 184 of the app outside any operation, 50 of our own code.
const report: ProfileReport = {
  pid: 4242,
  startedAt: '2026-01-15T09:30:05.123Z',
  durationMs: 1500,
  totalSampleCount: 1234,
  totalCpuMs: 1100.4,
  sampleCount: 1184,
  cpuMs: 1056.2,
  unattributedSampleCount: 184,
  unattributedCpuMs: 160.9,
  unattributedShare: 0.1462,
  instrumentation: {
    sampleCount: 50,
    cpuMs: 44.2,
    share: 0.0402,
    topFunctions: [
      hotSpot('exportSpans', '/repo/node_modules/@transcriber/storage/dist/writer.js', 12, 20.5, 30, 0.0186),
      hotSpot('Module._load', 'node:internal/modules/cjs/loader', 1000, 10.2, 40, 0.0093),
    ],
  },
  components: [
    {
      component: 'stt',
      sampleCount: 700,
      cpuMs: 620.2,
      share: 0.5636,
      operations: [{ operation: 'transcribe', sampleCount: 700, cpuMs: 620.2 }],
      // Its hottest is named by the first entry that is JavaScript, not a V8 internal.
      topFunctions: [gc, decode],
    },
    {
      component: 'llm',
      sampleCount: 300,
      cpuMs: 275.1,
      share: 0.25,
      operations: [],
      topFunctions: [hotSpot('(program)', '', 0, 275.1, 275.1, 0.25)],
    },
  ],
  topFunctions: [decode, plan, gc],
  callGraph: [],
  endedEarly: false,
  cpuProfilePath: '/tmp/transcriber-4242.cpuprofile',
};

function leak(fields: Partial<LeakVerdict>): LeakVerdict {
  return {
    status: 'insufficient_runs',
    suspected: false,
    runs: 2,
    medianGrowthBytes: 0,
    medianReleasedBytes: 0,
    growingRuns: 0,
    thresholdBytesPerRun: 256 * 1024,
    suspects: [],
    ...fields,
  };
}

const memory: MemoryProfile = {
  heapUsedBeforeBytes: 10 * MIB,
  heapUsedAfterBytes: 14.5 * MIB,
  heapGrowthBytes: 4.5 * MIB,
  allocationHotSpots: [
    { function: 'keepTranscripts /app/agent.js:12', bytes: 4 * MIB, share: 0.8 },
    { function: 'decode /app/stt.js:3', bytes: 512, share: 0.0001 },
  ],
  retainedHotSpots: [],
  leak: leak({
    status: 'suspected',
    suspected: true,
    runs: 6,
    growingRuns: 5,
    medianGrowthBytes: 1.5 * MIB,
    medianReleasedBytes: 0.1 * MIB,
    suspects: [{ function: 'keepTranscripts /app/agent.js:12', bytesPerRun: 1.4 * MIB }],
  }),
};

describe('printProfile', () => {
  it('shows CPU by component with the hottest JavaScript function, the hot spots with short locations, the overhead and the files', () => {
    expect(printProfile(report, plain)).toBe(
      [
        'Profile of pid 4242',
        '1.5 s · 1100 ms CPU in 1,234 samples',
        CPU_MEANING,
        '',
        'CPU by component',
        'component          cpu ms  share  samples  hottest function',
        'stt                   620  56.4%      700  decodeSpeechFrames stt/decode.js:42',
        'llm                   275  25.0%      300  (program)',
        '(no operation)        161  14.6%      184',
        '(instrumentation)    44.2   4.0%       50',
        ROWS_MEANING,
        '',
        'Hot spots of the app',
        'function             location          self ms  total ms  self share',
        'decodeSpeechFrames   stt/decode.js:42      500       600       40.0%',
        'planAnswer           llm/plan.mjs          250       275       20.0%',
        '(garbage collector)                       10.0      10.0       0.08%',
        'self: in the function itself; total: with what it calls; self share: of the 1056 ms CPU of the app',
        '',
        'Instrumentation overhead',
        `44.2 ms CPU in 50 samples (4.0%): ${OVERHEAD_MEANING}`,
        '  exportSpans dist/writer.js:12: 20.5 ms',
        '  Module._load cjs/loader:1000: 10.2 ms',
        '',
        'Files',
        'cpu profile:  /tmp/transcriber-4242.cpuprofile',
        FILES_HINT,
      ].join('\n'),
    );
  });

  it('shows a started program that ended early, a suspected leak with its suspects, and the live allocations', () => {
    const started: ProfileReport = {
      ...report,
      command: ['node', 'agent.js'],
      component: 'stt',
      durationMs: 800,
      totalSampleCount: 0,
      totalCpuMs: 0,
      sampleCount: 0,
      cpuMs: 0,
      unattributedSampleCount: 0,
      unattributedCpuMs: 0,
      unattributedShare: 0,
      instrumentation: { sampleCount: 0, cpuMs: 0, share: 0, topFunctions: [] },
      components: [],
      topFunctions: [],
      endedEarly: true,
      memory,
      cpuProfilePath: undefined,
      heapProfilePath: '/tmp/transcriber-4242.heapprofile',
      outputFile: '/tmp/report.txt',
    };
    expect(printProfile(started, plain)).toBe(
      [
        'Profile of node agent.js (pid 4242) · component stt',
        '0.8 s · 0.00 ms CPU in 0 samples · the program ended before the duration was over',
        CPU_MEANING,
        'stt: 0.00 ms CPU in 0 samples (0.0%)',
        '',
        'CPU by component',
        'component          cpu ms  share  samples  hottest function',
        '(no operation)       0.00   0.0%        0',
        '(instrumentation)    0.00   0.0%        0',
        'no component operation ran while profiling (is the app instrumented and busy?)',
        ROWS_MEANING,
        '',
        'Hot spots of stt',
        'no samples',
        '',
        'Instrumentation overhead',
        `0.00 ms CPU in 0 samples (0.0%): ${OVERHEAD_MEANING}`,
        '',
        'Memory',
        'heap after GC: 10.0 MiB → 14.5 MiB (+4.5 MiB)',
        'suspected leak: the app keeps 1.5 MiB more per interval after GC, in 5 of 6 intervals',
        '  keepTranscripts /app/agent.js:12: holds 1.4 MiB per interval',
        'live allocations at the end, by function:',
        '     4.0 MiB   80.0%  keepTranscripts /app/agent.js:12',
        '       512 B   0.01%  decode /app/stt.js:3',
        '',
        'Files',
        'heap profile: /tmp/transcriber-4242.heapprofile',
        'report:       /tmp/report.txt',
        FILES_HINT,
      ].join('\n'),
    );
  });

  it('says when no leak is suspected, or too few intervals ran to judge, and when no file was written', () => {
    const section = (verdict: LeakVerdict, growthBytes: number) =>
      printProfile(
        {
          ...report,
          cpuProfilePath: undefined,
          memory: { ...memory, heapGrowthBytes: growthBytes, allocationHotSpots: [], leak: verdict },
        },
        plain,
      )
        .split('\n\n')
        .slice(-2);
    expect(section(leak({ status: 'clean', runs: 6 }), -2 * MIB)).toEqual([
      'Memory\nheap after GC: 10.0 MiB → 14.5 MiB (-2.0 MiB)\nno leak suspected: what the app allocated was not kept, interval after interval',
      'Files\nnone written',
    ]);
    expect(section(leak({ runs: 2 }), 0)[0]).toBe(
      'Memory\nheap after GC: 10.0 MiB → 14.5 MiB (+0 B)\ntoo few intervals (2) to judge leaks',
    );
  });

  it('shows a suspected leak in red', () => {
    const text = printProfile({ ...report, memory }, makeStyle(true));
    expect(withoutColour(text)).toBe(printProfile({ ...report, memory }, plain));
    expect(text).toContain('\u001b[31msuspected leak: the app keeps 1.5 MiB more per interval after GC');
  });
});
