/**
 * The OTLP receiver `transcriber collect` runs: OTLP/HTTP requests (protobuf and JSON) and OTLP/gRPC
 * calls decoded by our own readers into the SDK's shapes, foreign spans given components by rules,
 * and everything stored through `@transcriber/storage`'s exporters, the one write path.
 * `@transcriber/otlp-receiver/thread` runs the server in a thread of its own.
 */
export { OtlpServer } from './otlpServer';
export type { OtlpServerOptions, CollectStats } from './otlpServer';
export type { ItemCounts, ValueLengthLimits } from './otlpReceiver';
export { DEFAULT_VALUE_LENGTH_LIMITS } from './otlpReceiver';
export { MAX_VALUE_DEPTH } from './valueLimits';
export type { ComponentRule } from './componentRules';
export { DEFAULT_COMPONENT_RULES } from './defaultComponentRules';
