/**
 * Flame graphs of stored CPU profiles on their own (`@transcriber/profiler/flame`): reading a
 * `.cpuprofile` and its sample attribution needs neither the inspector nor the OTel API that the
 * main entry loads, so a viewer (`transcriber ui`) loads only this.
 */
export { flameGraph } from './flame/flameGraph';
export type { FlameGraph, FlameNode } from './flame/flameGraph';
export { isInstrumentationScript } from './flame/instrumentationFrames';
export {
  SAMPLE_ATTRIBUTION_FORMAT,
  attributionPathOf,
  ownerIndexes,
  sampleAttribution,
} from './flame/sampleAttribution';
export type { SampleAttribution } from './flame/sampleAttribution';
export { readFlameGraph } from './flame/readFlameGraph';
export type { FlameGraphFile } from './flame/readFlameGraph';
export type { CpuProfile, CpuProfileNode, CallFrame } from './cpu/cpuProfile';
