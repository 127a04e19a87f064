/** A time window over recorded data, in microseconds since the epoch; `untilUs` defaults to now. */
export interface TimeWindow {
  sinceUs: number;
  untilUs?: number;
}

/** Latency and error statistics of one component over a window (times in ms). */
export interface ComponentSummary {
  component: string;
  count: number;
  errors: number;
  errorRate: number;
  avgMs: number;
  minMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /**
   * How the percentiles were found: `exact` from every duration, or `buckets` from the per-minute
   * rollup's log-scale latency buckets (within 4.5%) for windows with many operations.
   */
  percentiles: 'exact' | 'buckets';
}

/** One recorded operation (a span with a component). */
export interface OperationRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  component: string | null;
  operation: string | null;
  startUs: number;
  durationMs: number;
  error: boolean;
  errorType: string | null;
  serviceName: string | null;
}

/** One span of a trace, with what a waterfall needs. */
export interface TraceSpan extends OperationRecord {
  endUs: number;
  statusMessage: string | null;
  attributes: Record<string, unknown>;
  events: { name: string; time_us: number; attributes?: Record<string, unknown> }[];
}

/** One resource sample of one process. */
export interface ResourceSnapshot {
  timeUs: number;
  pid: number | null;
  cpuUtilization: number | null;
  rssBytes: number | null;
  heapUsedBytes: number | null;
  heapTotalBytes: number | null;
  externalBytes: number | null;
  eventLoopDelayP50Ms: number | null;
  eventLoopDelayP99Ms: number | null;
  eventLoopDelayMaxMs: number | null;
  systemCpuUtilization: number | null;
  systemMemoryUsedBytes: number | null;
  systemMemoryTotalBytes: number | null;
}
