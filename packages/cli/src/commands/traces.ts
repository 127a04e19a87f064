import { recentOperations, withQueryDatabase } from '@transcriber/queries';
import { NO_COMPONENT } from '../options';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { printTraces, tracesRows } from '../printers/tracesPrinter';
import { lastMinutes } from './window';
import type { TracesResult } from '../results/traces';

export interface TracesOptions {
  component?: string;
  /** Only this service; default every service but benchmark runs'. */
  service?: string;
  minutes: number;
  limit: number;
  minDurationMs?: number;
  errors?: boolean;
  slowest?: boolean;
  outputFile?: string;
  format?: 'json' | 'csv' | 'text';
  force?: boolean;
}

/** Recorded operations of the window, newest (or longest) first, filtered as asked. */
export function traces(options: TracesOptions & CommandContext): TracesResult {
  const window = lastMinutes(options.minutes);
  const order = options.slowest === true ? 'slowest' : 'recent';
  const operations = withQueryDatabase(options.dataDir, 'performance_metrics', (db) =>
    recentOperations(db, {
      sinceUs: window.sinceUs,
      untilUs: window.untilUs,
      component: options.component === NO_COMPONENT ? null : options.component,
      service: options.service,
      minDurationMs: options.minDurationMs,
      errorsOnly: options.errors === true,
      order,
      limit: options.limit,
    }),
  );
  return { window, service: options.service ?? null, order, operations };
}

export const tracesCommand: CommandModule<TracesOptions, TracesResult> = {
  run: traces,
  print: printTraces,
  rows: tracesRows,
};
