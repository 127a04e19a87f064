import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_COMPONENT, ATTR_OPERATION } from '@transcriber/instrumentation';
import { percentileOfSorted } from '@transcriber/queries/percentile';

/** One finished operation as the monitor keeps it in memory. */
export interface RecentOperation {
  component: string;
  operation: string;
  durationMs: number;
  error: boolean;
  endTimeMs: number;
  traceId: string;
}

/** Per-component statistics in milliseconds. */
export interface ComponentStats {
  count: number;
  errors: number;
  errorRate: number;
  avgMs: number;
  minMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * A span processor keeping the last `capacity` component operations of this process in a ring, for
 * the monitor's in-memory views. `onEnd` only copies five fields: the export path is elsewhere.
 */
export class RecentOperations implements SpanProcessor {
  private readonly ring: (RecentOperation | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const component = span.attributes[ATTR_COMPONENT];
    if (typeof component !== 'string') return;
    const operation = span.attributes[ATTR_OPERATION];
    this.ring[this.next] = {
      component,
      operation: typeof operation === 'string' ? operation : '',
      durationMs: span.duration[0] * 1000 + span.duration[1] / 1e6,
      error: span.status.code === 2,
      endTimeMs: span.endTime[0] * 1000 + span.endTime[1] / 1e6,
      traceId: span.spanContext().traceId,
    };
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** The kept operations, oldest first. */
  list(): RecentOperation[] {
    const out: RecentOperation[] = [];
    const start = this.size < this.capacity ? 0 : this.next;
    for (let i = 0; i < this.size; i++) out.push(this.ring[(start + i) % this.capacity]!);
    return out;
  }

  /** Statistics per component over the kept operations. */
  statsByComponent(): Record<string, ComponentStats> {
    const durations = new Map<string, number[]>();
    const errors = new Map<string, number>();
    for (const op of this.list()) {
      let list = durations.get(op.component);
      if (list === undefined) durations.set(op.component, (list = []));
      list.push(op.durationMs);
      if (op.error) errors.set(op.component, (errors.get(op.component) ?? 0) + 1);
    }
    const stats: Record<string, ComponentStats> = {};
    for (const [component, list] of durations) {
      const sorted = Float64Array.from(list).sort();
      const count = sorted.length;
      const failed = errors.get(component) ?? 0;
      stats[component] = {
        count,
        errors: failed,
        errorRate: failed / count,
        avgMs: list.reduce((a, b) => a + b, 0) / count,
        minMs: sorted[0],
        maxMs: sorted[count - 1],
        p50Ms: percentileOfSorted(sorted, 50),
        p95Ms: percentileOfSorted(sorted, 95),
        p99Ms: percentileOfSorted(sorted, 99),
      };
    }
    return stats;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
