import { getTrace, traceIdsWith, traceTree, withQueryDatabase } from '@transcriber/queries';
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

/** The fewest hexadecimal digits a trace id may be given by (its start or end): `turns` prints its end. */
const MIN_TRACE_ID_DIGITS = 8;

/** One trace as a tree of spans with offsets, and its turns, for the waterfall. */
export function traceShow(options: TraceShowOptions & CommandContext): TraceView {
  const given = options.traceId.toLowerCase();
  if (!new RegExp(`^[0-9a-f]{${MIN_TRACE_ID_DIGITS},32}$`).test(given)) {
    throw new UsageError(
      `trace id ${JSON.stringify(options.traceId)} is not ${MIN_TRACE_ID_DIGITS} to 32 hexadecimal digits`,
    );
  }
  const file = databasePath(options.dataDir, 'performance_metrics');
  const { traceId, spans } = withQueryDatabase(options.dataDir, 'performance_metrics', (db) => {
    const ids = given.length === 32 ? [given] : traceIdsWith(db, given);
    if (ids.length > 1) throw new UsageError(`trace id ${given} is ambiguous in ${file}: give more digits`);
    return { traceId: ids[0] ?? given, spans: ids.length === 0 ? [] : getTrace(db, ids[0]) };
  });
  if (spans.length === 0) throw new ExitError(EXIT_FAILURE, `no trace ${given} in ${file}`);
  return traceTree(traceId, spans);
}

export const traceShowCommand: CommandModule<TraceShowOptions, TraceView> = {
  run: traceShow,
  print: printWaterfall,
  rows: waterfallRows,
};
