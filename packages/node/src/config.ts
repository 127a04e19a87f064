/**
 * Configuration on its own (`@transcriber/node/config`): reading it needs no OpenTelemetry SDK,
 * which the package's main entry loads. The CLI resolves its data directory through this entry so
 * that it starts in milliseconds.
 */
export type { PerformanceConfig } from './config/performanceConfig';
export { DEFAULT_CONFIG } from './config/performanceConfig';
export { loadConfig, CONFIG_FILE_NAME, CONFIG_FILE_SECTIONS } from './config/loadConfig';
export type { LoadConfigOptions, LoadedConfig } from './config/loadConfig';
export { ConfigError, CONFIG_FIELDS, envNameOf } from './config/configFields';
export { attributeValueLengthLimits } from './config/attributeValueLengthLimits';
export type { AttributeValueLengthLimits } from './config/attributeValueLengthLimits';
export { benchmarkSuiteOptions, profilerOptions } from './config/componentOptions';
