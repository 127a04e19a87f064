import type { Statement } from 'better-sqlite3';
import { latencyBucketOf, minuteOf } from './latencyBuckets';

interface Aggregate {
  minuteUs: number;
  component: string;
  bucket: number;
  count: number;
  errors: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
}

/**
 * Collects the spans of one write into (minute, component, bucket) aggregates, then upserts each
 * once: a batch of spans from a few components touches far fewer rollup rows than it has spans.
 */
export class SpanRollupBatch {
  private readonly aggregates = new Map<string, Aggregate>();

  add(component: string, startUs: number, durationMs: number, failed: boolean): void {
    const minuteUs = minuteOf(startUs);
    const bucket = latencyBucketOf(durationMs);
    const key = `${minuteUs}|${bucket}|${component}`;
    const a = this.aggregates.get(key);
    if (a === undefined) {
      this.aggregates.set(key, {
        minuteUs,
        component,
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

  writeTo(upsert: Statement): void {
    for (const a of this.aggregates.values()) {
      upsert.run(a.minuteUs, a.component, a.bucket, a.count, a.errors, a.sumMs, a.minMs, a.maxMs);
    }
  }
}
