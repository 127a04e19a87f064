/**
 * The span processor that lets whole-process CPU profiles charge samples to components, alone: the
 * preload adds it to the SDK at start-up, where loading the whole profiler (~230 modules) would
 * cost 100–200 ms before the app's first line.
 */
export { AttributionSpanProcessor } from './attribution/attributionSpanProcessor';
