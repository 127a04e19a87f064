import { getTrace, traceIdsWith, withQueryDatabase, type TraceSpan } from '@transcriber/queries';
import { databasePath } from '@transcriber/storage/files';
import { ExitError, UsageError, EXIT_FAILURE } from '../errors';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { printWaterfall, waterfallRows } from '../printers/waterfallPrinter';
import { traceTurns } from './traceTurns';
import type { WaterfallSpan, TraceView } from '../results/traceView';

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
  return treeOf(traceId, spans);
}

export function treeOf(traceId: string, spans: readonly TraceSpan[]): TraceView {
  const startUs = Math.min(...spans.map((s) => s.startUs));
  const endUs = Math.max(...spans.map((s) => s.endUs));
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, TraceSpan[]>();
  for (const span of spans) {
    // A span whose parent was not recorded (remote, or dropped) is drawn as a root.
    const parent = span.parentSpanId !== null && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const ordered: WaterfallSpan[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startUs - b.startUs)) {
      if (seen.has(span.spanId)) continue; // a span id repeated in bad data must not loop forever
      seen.add(span.spanId);
      ordered.push({ ...span, depth, offsetMs: (span.startUs - startUs) / 1000 });
      visit(span.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return {
    traceId,
    startUs,
    durationMs: (endUs - startUs) / 1000,
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.error).length,
    spans: ordered,
    turns: traceTurns(spans, startUs),
  };
}

export const traceShowCommand: CommandModule<TraceShowOptions, TraceView> = {
  run: traceShow,
  print: printWaterfall,
  rows: waterfallRows,
};
