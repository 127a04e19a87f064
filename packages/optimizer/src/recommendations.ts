/**
 * Recommendations from what was recorded, read-only and alone: the CLI's `optimize` and the web
 * view (`transcriber ui`) list them with no OpenTelemetry package loaded and nothing written to
 * optimization_logs.db, as often as they like (ResourceOptimizer's getOptimizationRecommendations
 * gives the same report and logs each as an event).
 */
export { recommendFromRecords, RECOMMENDATION_COMPONENTS } from './recommendations/recommendFromRecords';
export type { RecommendationOptions } from './recommendations/recommendFromRecords';
export type { Recommendation, RecommendationReport, Priority } from './recommendations/recommendation';
export { DEFAULT_LATENCY_BUDGETS, DEFAULT_THRESHOLDS } from './recommendations/budgets';
export type { LatencyBudget, RecommendationThresholds } from './recommendations/budgets';
export { OptimizerInputError } from './optimizerInputError';
export type { Basis, Figure } from './figure';
