/**
 * The statistics behind regression verdicts on their own (`@transcriber/benchmarks/stats`): the
 * Mann–Whitney U test and the verdict built on it, without the suite, the OTel API and the event
 * exporter the main entry loads. `transcriber ui` compares two windows of turns with them.
 */
export { mannWhitneyU } from './stats/mannWhitney';
export type { MannWhitneyResult } from './stats/mannWhitney';
export { detectRegression, DEFAULT_REGRESSION_THRESHOLDS } from './stats/detectRegression';
export type { RegressionThresholds } from './stats/detectRegression';
export type { RegressionReport, RegressionVerdict } from './types';
