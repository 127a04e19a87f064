/**
 * The V8 CPU profile as the inspector returns it (`Profiler.stop`): the JSON that Chrome DevTools,
 * VS Code and speedscope open as a `.cpuprofile` file. Times are microseconds on the monotonic
 * clock that `process.hrtime` reads.
 */
export interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based. */
  lineNumber: number;
  /** 0-based. */
  columnNumber: number;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  /** Node id of each sample. */
  samples?: number[];
  /** Microseconds from the previous sample (the first: from `startTime`). */
  timeDeltas?: number[];
}
