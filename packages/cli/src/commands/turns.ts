import { recentTurns, withQueryDatabase, type TurnRecord } from '@transcriber/sqlite-exporter/read';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { printTurns, turnsRows } from '../printers/turnsPrinter';
import { lastMinutes, type Window } from './window';

export interface TurnsOptions {
  /** Only this service; default every service but benchmark runs'. */
  service?: string;
  minutes: number;
  limit: number;
  slowest?: boolean;
  outputFile?: string;
  format?: 'json' | 'csv';
}

/** A turn as listed: its record and the stage that took longest. */
export interface ListedTurn extends TurnRecord {
  slowestStage: string | null;
}

export interface TurnsResult {
  window: Window;
  /** The service asked for; null: every service but benchmark runs'. */
  service: string | null;
  order: 'recent' | 'slowest';
  turns: ListedTurn[];
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

/** The stage with the longest time (null when none has a time). */
export function slowestStageOf(stages: readonly { stage: string; ms: number | null }[]): string | null {
  let slowest: { stage: string; ms: number | null } | undefined;
  for (const stage of stages) {
    if (stage.ms !== null && (slowest === undefined || stage.ms > slowest.ms!)) slowest = stage;
  }
  return slowest?.stage ?? null;
}

export const turnsCommand: CommandModule<TurnsOptions, TurnsResult> = {
  run: turns,
  print: printTurns,
  rows: turnsRows,
};
