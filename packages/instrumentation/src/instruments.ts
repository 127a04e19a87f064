import {
  metrics,
  trace,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  INSTRUMENTATION_SCOPE,
  METRIC_OPERATION_DURATION,
  METRIC_OPERATION_ERRORS,
  METRIC_OPERATIONS,
  OPERATION_DURATION_BUCKETS_S,
} from './names';

export const INSTRUMENTATION_VERSION = '0.1.0';

/** The instruments every operation records into. */
export interface OperationInstruments {
  readonly tracer: Tracer;
  readonly duration: Histogram;
  readonly operations: Counter;
  readonly errors: Counter;
}

// The metrics API does not follow a provider registered later: a meter taken before the SDK
// starts stays a no-op forever. The trace API's proxy tracer does follow a late provider, but it
// binds to the first one for good, and `trace.disable()` (an SDK shut down and started again)
// replaces the proxy itself. So instruments are re-created whenever either global provider
// changes (two pointer compares per call).
/** Returns a getter of instruments built by `build`, rebuilt when a global provider changes. */
export function providerBound<T>(build: (meter: Meter, tracer: Tracer) => T): () => T {
  let meterProvider: MeterProvider | undefined;
  let tracerProvider: TracerProvider | undefined;
  let built: T | undefined;
  return () => {
    const currentMeters = metrics.getMeterProvider();
    const currentTracers = trace.getTracerProvider();
    if (built === undefined || currentMeters !== meterProvider || currentTracers !== tracerProvider) {
      built = build(
        currentMeters.getMeter(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION),
        currentTracers.getTracer(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION),
      );
      meterProvider = currentMeters;
      tracerProvider = currentTracers;
    }
    return built;
  };
}

export const getOperationInstruments: () => OperationInstruments = providerBound((meter, tracer) => ({
  tracer,
  duration: meter.createHistogram(METRIC_OPERATION_DURATION, {
    description: 'Duration of voice-pipeline component operations',
    unit: 's',
    advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS_S] },
  }),
  operations: meter.createCounter(METRIC_OPERATIONS, {
    description: 'Component operations completed, successful or not',
    unit: '{operation}',
  }),
  errors: meter.createCounter(METRIC_OPERATION_ERRORS, {
    description: 'Component operations that failed',
    unit: '{error}',
  }),
}));
