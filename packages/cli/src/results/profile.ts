import type { ProcessProfileResults } from '@transcriber/profiler/client';

// The result of `transcriber profile`.

export interface ProfileReport extends ProcessProfileResults {
  /** The program started, when profiled with `-- <command>`. */
  command?: string[];
  /** Where the report was written (`--output`). */
  outputFile?: string;
}
