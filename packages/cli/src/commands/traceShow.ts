import { getTrace, traceTree, withQueryDatabase } from '@transcriber/queries';
import { databasePath } from '@transcriber/storage/files';
import { ExitError, UsageError, EXIT_FAILURE } from '../errors';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { printWaterfall, waterfallRows } from '../printers/waterfallPrinter';
import type { TraceView } from '../results/traceView';

export interface TraceShowOptions {
  traceId: string;
  outputFile?: string;
  format?: 'json' | 'csv' | 'text';
  force?: boolean;
}

/** One trace as a tree of spans with offsets, for the waterfall. */
export function traceShow(options: TraceShowOptions & CommandContext): TraceView {
  if (!/^[0-9a-f]{32}$/i.test(options.traceId)) {
    throw new UsageError(`trace id ${JSON.stringify(options.traceId)} is not 32 hexadecimal digits`);
  }
  const spans = withQueryDatabase(options.dataDir, 'performance_metrics', (db) => getTrace(db, options.traceId));
  if (spans.length === 0) {
    throw new ExitError(
      EXIT_FAILURE,
      `no trace ${options.traceId.toLowerCase()} in ${databasePath(options.dataDir, 'performance_metrics')}`,
    );
  }
  return traceTree(options.traceId.toLowerCase(), spans);
}

export const traceShowCommand: CommandModule<TraceShowOptions, TraceView> = {
  run: traceShow,
  print: printWaterfall,
  rows: waterfallRows,
};
