import { metrics, trace, type Counter, type Histogram, type MeterProvider, type Tracer } from '@opentelemetry/api';
import {
  INSTRUMENTATION_SCOPE,
  METRIC_OPERATION_DURATION,
  METRIC_OPERATION_ERRORS,
  METRIC_OPERATIONS,
  OPERATION_DURATION_BUCKETS_S,
} from './names';

const VERSION = '0.1.0';

/** The instruments every operation records into. */
export interface OperationInstruments {
  readonly tracer: Tracer;
  readonly duration: Histogram;
  readonly operations: Counter;
  readonly errors: Counter;
}

// The trace API hands out a proxy tracer that follows a provider registered later, but the
// metrics API does not: a meter taken before the SDK starts stays a no-op forever. So the
// instruments are re-created whenever the global meter provider changes (a pointer compare).
const tracer = trace.getTracer(INSTRUMENTATION_SCOPE, VERSION);
let provider: MeterProvider | undefined;
let instruments: OperationInstruments | undefined;

export function getOperationInstruments(): OperationInstruments {
  const current = metrics.getMeterProvider();
  if (current !== provider || instruments === undefined) {
    const meter = current.getMeter(INSTRUMENTATION_SCOPE, VERSION);
    instruments = {
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
    };
    provider = current;
  }
  return instruments;
}
