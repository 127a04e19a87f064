/**
 * Recommendations from what was recorded, read-only and alone: the CLI's `optimize` lists them
 * with no OpenTelemetry package loaded and nothing written (ResourceOptimizer's
 * getOptimizationRecommendations gives the same report and logs each as an event).
 */
export { recommendFromRecords, RECOMMENDATION_COMPONENTS } from './recommendations/recommendFromRecords';
export type { RecommendationOptions } from './recommendations/recommendFromRecords';
export type { Recommendation, RecommendationReport, Priority } from './recommendations/recommendation';
export { OptimizerInputError } from './optimizerInputError';
