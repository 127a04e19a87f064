import type { Statement } from 'better-sqlite3';
import { latencyBucketOf, minuteOf } from './latencyBuckets';

interface Aggregate {
  minuteUs: number;
  component: string;
  resourceId: number;
  bucket: number;
  count: number;
  errors: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
}

/**
 * Collects the spans of one transaction into (minute, component, resource, bucket) aggregates, then
 * upserts each once before the commit: the thousands of spans of a transaction from a few
 * components of a process or two touch a few dozen rollup rows.
 */
export class SpanRollupBatch {
  // Per component and resource, aggregates keyed by one number (minute and bucket): no key string
  // per span. A transaction's spans come from one resource or a few.
  private readonly byComponent = new Map<string, Map<number, Map<number, Aggregate>>>();

  /** `resourceId` null (a span without a resource) counts as resource 0. */
  add(component: string, resourceId: number | null, startUs: number, durationMs: number, failed: boolean): void {
    const minuteUs = minuteOf(startUs);
    const bucket = latencyBucketOf(durationMs);
    const resource = resourceId ?? 0;
    let byResource = this.byComponent.get(component);
    if (byResource === undefined) this.byComponent.set(component, (byResource = new Map()));
    let aggregates = byResource.get(resource);
    if (aggregates === undefined) byResource.set(resource, (aggregates = new Map()));
    // Buckets stay within ±2^11 (2^±128 ms); minutes since the epoch times 2^12 stay far below 2^53.
    const key = (minuteUs / 60_000_000) * 4096 + bucket + 2048;
    const a = aggregates.get(key);
    if (a === undefined) {
      aggregates.set(key, {
        minuteUs,
        component,
        resourceId: resource,
        bucket,
        count: 1,
        errors: failed ? 1 : 0,
        sumMs: durationMs,
        minMs: durationMs,
        maxMs: durationMs,
      });
      return;
    }
    a.count += 1;
    if (failed) a.errors += 1;
    a.sumMs += durationMs;
    if (durationMs < a.minMs) a.minMs = durationMs;
    if (durationMs > a.maxMs) a.maxMs = durationMs;
  }

  /** Upserts the aggregates and starts over. */
  writeTo(upsert: Statement): void {
    for (const byResource of this.byComponent.values()) {
      for (const aggregates of byResource.values()) {
        for (const a of aggregates.values()) {
          upsert.run(a.minuteUs, a.component, a.resourceId, a.bucket, a.count, a.errors, a.sumMs, a.minMs, a.maxMs);
        }
      }
    }
    this.clear();
  }

  /** Forgets the aggregates (their transaction rolled back). */
  clear(): void {
    this.byComponent.clear();
  }
}
