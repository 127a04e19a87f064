/**
 * What the `collect` process's own thread needs, without loading the receiver (its decoders,
 * grpc-js, the SDK): the server in a thread of its own, and the reading of its configuration.
 */
export { OtlpServerThread, RECEIVER_YOUNG_GENERATION_MB } from './otlpServerThread';
export type { OtlpServerThreadOptions } from './otlpServerThread';
export { componentRulesFromConfig, CollectConfigError } from './collectConfig';
