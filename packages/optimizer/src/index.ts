export { ResourceOptimizer } from './resourceOptimizer';
export type { ResourceOptimizerOptions } from './resourceOptimizer';
export { OptimizerInputError } from './optimizerInputError';
export type { Basis, Figure } from './figure';
export { parseAudioSettings } from './audio/audioSettings';
export type { AudioSettings, AudioSettingsInput } from './audio/audioSettings';
export { DEFAULT_CHUNK_DURATIONS_MS, SPEECH_MODEL_SAMPLE_RATE } from './audio/audioCandidates';
export type { AudioCandidateOptions } from './audio/audioCandidates';
export type { ChunkWorkload, MeasurementOptions, CandidateMeasurement } from './audio/measureChunkWorkload';
export type { HostFacts } from './audio/audioHeuristics';
export { DEFAULT_AUDIO_LATENCY_BUDGET_MS } from './audio/optimizeAudioProcessing';
export type {
  AudioOptimizationOptions,
  AudioOptimizationResult,
  AudioImprovement,
} from './audio/optimizeAudioProcessing';
export type { MemoryOptimizationOptions, MemoryOptimizationResult, MemoryAction } from './memory/optimizeMemoryUsage';
export type { MemorySnapshot } from './memory/memorySnapshot';
export type { GcMethod } from './memory/collectGarbage';
export { ModelCache } from './cache/modelCache';
export type { ModelCacheOptions, ModelCacheStats } from './cache/modelCache';
export type { PurgeableCache, PurgeResult } from './cache/purgeableCache';
export { DEFAULT_UV_THREADPOOL_SIZE } from './allocation/recommendResourceAllocation';
export type { AllocationOptions, AllocationAdvice, ResourceAllocation } from './allocation/recommendResourceAllocation';
export { DEFAULT_LATENCY_BUDGETS, DEFAULT_THRESHOLDS } from './recommendations/budgets';
export type { LatencyBudget, RecommendationThresholds } from './recommendations/budgets';
export { RECOMMENDATION_COMPONENTS, recommendFromRecords } from './recommendations/recommendFromRecords';
export type { RecommendationOptions } from './recommendations/recommendFromRecords';
export type { Recommendation, RecommendationReport, Priority } from './recommendations/recommendation';
export { AUDIO_COMPONENTS } from './optimizeComponent';
export type { ComponentOptimization } from './optimizeComponent';
export type { OptimizationAction } from './events/optimizationEventLog';
