import type { BenchmarkTrend } from '@transcriber/benchmarks';

// The result of `transcriber benchmark history`.

export interface BenchmarkHistoryView {
  days: number;
  component: string | null;
  name: string | null;
  minEffect: number;
  /** One trend per benchmark and environment, in the order they first ran. */
  trends: BenchmarkTrend[];
}
