import type { ComponentSummary, ProcessMemory, ProcessResources, TurnSummary } from '@transcriber/queries';
import type { Window } from './window';

// The result of `transcriber performance`.

/** Whether a process's memory grew, shrank or held over the window (see memoryTrendOf). */

export type MemoryTrend = 'growing' | 'shrinking' | 'stable' | 'unknown';

export interface ProcessMemoryReport extends ProcessMemory {
  rssTrend: MemoryTrend;
  heapUsedTrend: MemoryTrend;
}

export interface PerformanceReport {
  window: Window;
  component: string | null;
  /** The service asked for; null: every service but benchmark runs'. */
  service: string | null;
  /** Per-component latency and errors (empty for `--component memory`). */
  components: ComponentSummary[];
  /** Per process: latest and peak resources. */
  resources: ProcessResources[];
  /** Only for `--component memory`: history and growth per process. */
  memory?: ProcessMemoryReport[];
  /** Voice turns (pipeline/turn): voice-to-voice percentiles and breakdown; all components or `pipeline` only. */
  turns?: TurnSummary;
  /** Set when the window held more pipeline operations than MAX_SUMMARIZED_TURNS: `turns` covers those since. */
  turnsSinceUs?: number;
}

/** Pipeline operations the turns section covers at most (the newest of the window). */

export const MAX_SUMMARIZED_TURNS = 2000;
