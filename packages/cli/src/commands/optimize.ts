import { requestMemoryOptimization, ControlChannelError } from '@transcriber/profiler/client';
import type { MemoryOptimizationResult } from '@transcriber/optimizer';
import { OptimizerInputError, recommendFromRecords } from '@transcriber/optimizer/recommendations';
import { ExitError, EXIT_FAILURE, UsageError } from '../errors';
import { optimizeRows, printOptimize } from '../printers/optimizePrinter';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import type { OptimizeResult } from '../results/optimize';

export interface OptimizeOptions {
  component?: string;
  /** Only this service's telemetry; default every service but benchmark runs'. */
  service?: string;
  minutes: number;
  /** Carry out an optimization instead of listing recommendations; only `memory` is safe to apply. */
  apply?: 'memory';
  /** The running instrumented process `--apply` acts on. */
  pid?: number;
  outputFile?: string;
  format?: 'json' | 'csv' | 'text';
  force?: boolean;
}

/**
 * Recommendations derived from the data recorded in the last `minutes` (read only: listing writes
 * nothing), or, with `--apply memory --pid N`, the memory optimization carried out inside that
 * running process, measured and logged there.
 */
export async function optimize(options: OptimizeOptions & CommandContext): Promise<OptimizeResult> {
  if (options.apply !== undefined) {
    if (options.pid === undefined) {
      throw new UsageError(
        '--apply memory acts on a running instrumented process (the CLI’s own memory is not the app’s): add --pid <pid>',
      );
    }
    if (options.component !== undefined)
      throw new UsageError('--component lists recommendations; it does not go with --apply');
    if (options.service !== undefined)
      throw new UsageError('--service lists recommendations; it does not go with --apply (--pid names the process)');
    try {
      const memory = (await requestMemoryOptimization(options.pid)) as MemoryOptimizationResult;
      return { mode: 'applied', pid: options.pid, memory };
    } catch (err) {
      throw err instanceof ControlChannelError ? new ExitError(EXIT_FAILURE, err.message, { cause: err }) : err;
    }
  }
  if (options.pid !== undefined) throw new UsageError('--pid goes with --apply memory');
  try {
    const report = recommendFromRecords(options.dataDir, {
      minutes: options.minutes,
      component: options.component,
      service: options.service,
    });
    return { mode: 'recommendations', report };
  } catch (err) {
    throw err instanceof OptimizerInputError ? new UsageError(err.message) : err;
  }
}

export const optimizeCommand: CommandModule<OptimizeOptions, OptimizeResult> = {
  run: optimize,
  print: printOptimize,
  rows: optimizeRows,
};
