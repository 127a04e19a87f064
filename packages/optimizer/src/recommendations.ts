/**
 * Recommendations from recorded data on their own (`@transcriber/optimizer/recommendations`):
 * `recommendFromRecords` reads the data directory and logs nothing, and this entry loads neither
 * the OTel API nor the event exporter the main entry does, so `transcriber optimize` and the web
 * view list recommendations as often as they like without writing to optimization_logs.db
 * (ResourceOptimizer's getOptimizationRecommendations gives the same report and logs each).
 */
export { recommendFromRecords, RECOMMENDATION_COMPONENTS } from './recommendations/recommendFromRecords';
export type { RecommendationOptions } from './recommendations/recommendFromRecords';
export type { Recommendation, RecommendationReport, Priority } from './recommendations/recommendation';
export { DEFAULT_LATENCY_BUDGETS, DEFAULT_THRESHOLDS } from './recommendations/budgets';
export type { LatencyBudget, RecommendationThresholds } from './recommendations/budgets';
export { OptimizerInputError } from './optimizerInputError';
export type { Basis, Figure } from './figure';
