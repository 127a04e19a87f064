import type { Database } from 'better-sqlite3';
import { EVENT_ATTR } from '@transcriber/instrumentation/events';
import type { TimeWindow } from './types';

export interface BenchmarkHistoryFilter extends TimeWindow {
  name?: string;
  component?: string;
  /** Only runs in this environment (see `transcriber.benchmark.environment_key`). */
  environmentKey?: string;
  /** Only runs that ended this way, e.g. `completed`. */
  state?: string;
  /** `oldest` first (default, for trends) or `newest` first (for the latest runs). */
  order?: 'oldest' | 'newest';
  limit?: number;
}

/** One stored benchmark run. Statistics are null when the run had no successful iteration. */
export interface BenchmarkRecord {
  id: number;
  timeUs: number;
  name: string;
  component: string | null;
  state: string | null;
  iterations: number;
  totalMs: number | null;
  avgMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  medianMs: number | null;
  stddevMs: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  marginOfErrorMs: number | null;
  throughputPerSec: number | null;
  successRate: number | null;
  /** Durations of the successful iterations, ms, in the order they ran. */
  samples: Float64Array;
  environment: Record<string, unknown> | null;
  environmentKey: string | null;
  metadata: Record<string, unknown> | null;
  failures: { errorType: string; count: number }[];
  /** The event's `transcriber.details` object, if it had one. */
  details: Record<string, unknown> | null;
}

interface Row extends Omit<BenchmarkRecord, 'samples' | 'environment' | 'metadata' | 'failures' | 'details'> {
  samples: Buffer | null;
  environment: string | null;
  metadata: string | null;
  failures: string | null;
  attributes: string | null;
}

/** Stored benchmark runs in the window. All filters are bound parameters. */
export function benchmarkHistory(db: Database, filter: BenchmarkHistoryFilter): BenchmarkRecord[] {
  const order = filter.order === 'newest' ? 'time_us DESC, id DESC' : 'time_us, id';
  const rows = db
    .prepare(
      `SELECT id, time_us AS timeUs, name, component, state, iterations, total_ms AS totalMs, avg_ms AS avgMs,
              min_ms AS minMs, max_ms AS maxMs, median_ms AS medianMs, stddev_ms AS stddevMs, p95_ms AS p95Ms,
              p99_ms AS p99Ms, margin_of_error_ms AS marginOfErrorMs, throughput_per_sec AS throughputPerSec,
              success_rate AS successRate, samples, environment, environment_key AS environmentKey, metadata,
              failures, attributes
         FROM benchmark_results
        WHERE time_us >= @since AND time_us < @until
          AND (@name IS NULL OR name = @name) AND (@component IS NULL OR component = @component)
          AND (@environmentKey IS NULL OR environment_key = @environmentKey)
          AND (@state IS NULL OR state = @state)
        ORDER BY ${order} LIMIT @limit`,
    )
    .all({
      since: filter.sinceUs,
      until: filter.untilUs ?? Date.now() * 1000 + 1,
      name: filter.name ?? null,
      component: filter.component ?? null,
      environmentKey: filter.environmentKey ?? null,
      state: filter.state ?? null,
      limit: filter.limit ?? -1,
    }) as Row[];
  return rows.map(({ attributes, ...row }) => ({
    ...row,
    samples: decodeFloat64LE(row.samples),
    environment: parseObject(row.environment),
    metadata: parseObject(row.metadata),
    failures: (parseJson(row.failures) as BenchmarkRecord['failures'] | null) ?? [],
    details: parseObject(parseObject(attributes)?.[EVENT_ATTR.DETAILS]),
  }));
}

// The samples column holds little-endian float64s (see BENCHMARK_ATTR.SAMPLES). A Buffer from
// SQLite need not be 8-byte aligned, so it is read through a DataView rather than viewed.
function decodeFloat64LE(bytes: Buffer | null): Float64Array {
  if (bytes === null) return new Float64Array(0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(Math.floor(bytes.byteLength / 8));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function parseObject(value: unknown): Record<string, unknown> | null {
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : null;
}
