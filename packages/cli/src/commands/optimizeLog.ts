import { optimizationLog, withQueryDatabase } from '@transcriber/queries';
import { optimizeLogRows, printOptimizeLog } from '../printers/optimizeLogPrinter';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { lastMinutes } from './window';
import type { OptimizeLogResult } from '../results/optimizeLog';

export interface OptimizeLogOptions {
  component?: string;
  minutes: number;
  limit: number;
  /** Only optimizations carried out, or only recommendations. */
  type?: 'action' | 'recommendation';
  outputFile?: string;
  format?: 'json' | 'csv' | 'text';
  force?: boolean;
}

/** The optimization log: what was optimized (measured before/after) and recommended, newest first. */
export function optimizeLog(options: OptimizeLogOptions & CommandContext): OptimizeLogResult {
  const window = lastMinutes(options.minutes);
  const entries = withQueryDatabase(options.dataDir, 'optimization_logs', (db) =>
    optimizationLog(db, {
      sinceUs: window.sinceUs,
      untilUs: window.untilUs,
      component: options.component,
      type: options.type,
      limit: options.limit,
    }),
  );
  return { window, entries };
}

export const optimizeLogCommand: CommandModule<OptimizeLogOptions, OptimizeLogResult> = {
  run: optimizeLog,
  print: printOptimizeLog,
  rows: optimizeLogRows,
};
