import type { MemoryOptimizationResult, RecommendationReport } from '@transcriber/optimizer';

// The result of `transcriber optimize`: recommendations, or a memory optimization applied in another process.

export type OptimizeResult =
  | { mode: 'recommendations'; report: RecommendationReport }
  | { mode: 'applied'; pid: number; memory: MemoryOptimizationResult };
