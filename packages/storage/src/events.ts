/**
 * Emitting result events (log records with an event name) from a module used with or without an
 * SDK: the profiler, the benchmarks and the optimizer. Its own entry: it loads the logs SDK, which
 * a program that only records spans and metrics does not need.
 */
export { createEventEmitter } from './events/eventEmitter';
export type { EventEmitter } from './events/eventEmitter';
