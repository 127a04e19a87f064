import { recentTurns, withQueryDatabase } from '@transcriber/queries';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { printTurns, turnsRows } from '../printers/turnsPrinter';
import { lastMinutes } from './window';
import { slowestStageOf, type TurnsResult } from '../results/turns';

export interface TurnsOptions {
  /** Only this service; default every service but benchmark runs'. */
  service?: string;
  minutes: number;
  limit: number;
  slowest?: boolean;
  outputFile?: string;
  format?: 'json' | 'csv' | 'text';
  force?: boolean;
}

/** The recent (or slowest) voice turns of the window, each with its voice-to-voice breakdown. */
export function turns(options: TurnsOptions & CommandContext): TurnsResult {
  const window = lastMinutes(options.minutes);
  const order = options.slowest === true ? 'slowest' : 'recent';
  const turns = withQueryDatabase(options.dataDir, 'performance_metrics', (db) =>
    recentTurns(db, {
      sinceUs: window.sinceUs,
      untilUs: window.untilUs,
      order,
      limit: options.limit,
      service: options.service,
    }),
  );
  return {
    window,
    service: options.service ?? null,
    order,
    turns: turns.map((t) => ({ ...t, slowestStage: slowestStageOf(t.stages) })),
  };
}

export const turnsCommand: CommandModule<TurnsOptions, TurnsResult> = {
  run: turns,
  print: printTurns,
  rows: turnsRows,
};
