import { benchmarkTrends } from '@transcriber/benchmarks/history';
import { benchmarkHistory, withQueryDatabase } from '@transcriber/queries';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { benchmarkHistoryRows, printBenchmarkHistory } from '../printers/benchmarkHistoryPrinter';
import type { BenchmarkHistoryView } from '../results/benchmarkHistory';

export interface BenchmarkHistoryOptions {
  days: number;
  component?: string;
  name?: string;
  /** Smallest change, %, shown as slower or faster rather than flat. */
  minEffect: number;
  outputFile?: string;
  format?: 'json' | 'csv' | 'text';
  force?: boolean;
}

/** Stored benchmark runs of the last `days` days, as a trend per benchmark (name, component, environment). */
export function benchmarkHistoryCommandRun(options: BenchmarkHistoryOptions & CommandContext): BenchmarkHistoryView {
  const sinceUs = (Date.now() - options.days * 86_400_000) * 1000;
  const records = withQueryDatabase(options.dataDir, 'benchmark_results', (db) =>
    benchmarkHistory(db, { sinceUs, component: options.component, name: options.name }),
  );
  return {
    days: options.days,
    component: options.component ?? null,
    name: options.name ?? null,
    minEffect: options.minEffect,
    trends: benchmarkTrends(records, options.minEffect / 100),
  };
}

export const benchmarkHistoryCommand: CommandModule<BenchmarkHistoryOptions, BenchmarkHistoryView> = {
  run: benchmarkHistoryCommandRun,
  print: printBenchmarkHistory,
  rows: benchmarkHistoryRows,
};
