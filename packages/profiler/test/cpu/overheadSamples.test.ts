import type { CallFrame, CpuProfile } from '../../src/cpu/cpuProfile';
import { overheadSamples } from '../../src/cpu/overheadSamples';

const frame = (functionName: string, url: string): CallFrame => ({
  functionName,
  scriptId: '1',
  url,
  lineNumber: 0,
  columnNumber: 0,
});

// The app's turn runs through our wrapper; under it, in turn: the app's own work, a library the
// app called (through our wrapper), Node's internals our code called, the SQLite binding our
// exporter writes with, and our own span bookkeeping. Plus a GC sample (no stack).
const APP = 'file:///agent/src/turn.js';
const OURS = 'file:///agent/node_modules/@transcriber/node/dist/preload.bundle.js';
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 9] },
    { id: 2, callFrame: frame('turn', APP), children: [3] },
    { id: 3, callFrame: frame('wrapped', OURS), children: [4, 5, 6, 7, 8] },
    { id: 4, callFrame: frame('decode', APP) },
    { id: 5, callFrame: frame('parseChunk', 'file:///agent/node_modules/openai/streaming.js') },
    { id: 6, callFrame: frame('hasHooks', 'node:internal/async_hooks') },
    { id: 7, callFrame: frame('run', 'file:///agent/node_modules/better-sqlite3/lib/methods/transaction.js') },
    { id: 8, callFrame: frame('setAttribute', OURS) },
    { id: 9, callFrame: frame('(garbage collector)', '') },
  ],
  startTime: 0,
  endTime: 6000,
  samples: [4, 5, 6, 7, 8, 9],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
};

describe('overheadSamples', () => {
  const isOurs = (f: CallFrame) => f.url === OURS;
  const sqlite = (f: CallFrame) => f.url.includes('/node_modules/better-sqlite3/');

  it('charges a sample to the instrumentation when its innermost user-land frame is ours', () => {
    expect([...overheadSamples(profile, isOurs, sqlite)]).toEqual([0, 0, 1, 1, 1, 0]);
  });

  it('leaves a library its own frames without the pass-through (the app calls SQLite too)', () => {
    expect([...overheadSamples(profile, isOurs)]).toEqual([0, 0, 1, 0, 1, 0]);
  });
});
