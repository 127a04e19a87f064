import type { Basis, Figure } from '../figure';

export type Priority = 'high' | 'medium' | 'low';

/** One recommendation, derived from recorded data. */
export interface Recommendation {
  /** Stable for the same finding (e.g. `latency:stt`), so repeated runs can be compared. */
  id: string;
  /** A component type, or `memory` / `event_loop` for process-wide findings. */
  component: string;
  /** `latency`, `errors`, `memory-growth`, `event-loop-delay`, `gc-time`. */
  kind: string;
  priority: Priority;
  description: string;
  /** What fixing it gains, computed from the recorded figures (see `improvementBasis`). */
  expectedImprovement: string;
  improvementBasis: Basis;
  /** The recorded figures the recommendation rests on. */
  evidence: Record<string, Figure | string | string[]>;
}

/** What `getOptimizationRecommendations` returns. */
export interface RecommendationReport {
  window: { minutes: number; sinceUs: number; untilUs: number };
  /** Most urgent first. */
  recommendations: Recommendation[];
  /** What was checked and found fine, and what could not be checked and why. */
  notes: string[];
}

export const PRIORITY_ORDER: Readonly<Record<Priority, number>> = { high: 0, medium: 1, low: 2 };
