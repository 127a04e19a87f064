'use strict';
// Preloaded (`--require`) into a benchmarked app: the least any OpenTelemetry tracing costs it. A
// recording tracer provider with a batch span processor whose exporter drops every batch, and the
// AsyncLocalStorage context manager that parents a span started in awaited code (which on Node 20
// and 22 means async_hooks promise hooks on every promise). No storage, no metrics, no monitoring:
// what is measured above this is ours. Main thread only, as the preload.
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  const { context, trace } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const dropping = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(dropping, { scheduledDelayMillis: 1000, maxQueueSize: 8192 })],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}
