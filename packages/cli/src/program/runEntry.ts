import * as path from 'node:path';
import { ExitError } from '../errors';
import { LiveScreen } from '../output/liveScreen';
import { exportFormatOf, writeExport, type ExportFormat } from '../output/exportFile';
import { styleFor } from '../output/style';
import type { CommandContext, CommandEntry, CommandModule } from './commandSpec';
import { resolveDataDir } from './dataDir';

/** The global flags, as commander parsed them. */
export interface GlobalFlags {
  dataDir?: string;
  json?: boolean;
  debug?: boolean;
}

/** Option keys the program itself acts on, whichever command declares them (see cli.ts). */
interface ProgramOptions {
  live?: boolean;
  interval?: number;
  outputFile?: string;
  format?: ExportFormat;
}

/**
 * Runs one command: loads its module, calls it with options + context, exports and prints the data
 * (or, with --live, does so again every interval on one screen until SIGINT/SIGTERM).
 */
export async function runEntry(
  entry: CommandEntry,
  options: Record<string, unknown>,
  flags: GlobalFlags,
): Promise<void> {
  const cwd = process.cwd();
  const context: CommandContext = {
    dataDir: await resolveDataDir(flags.dataDir, cwd),
    cwd,
    json: flags.json === true,
    debug: flags.debug === true,
  };
  const module = await entry.load();
  const input = { ...options, ...context };
  const program = options as ProgramOptions;
  if (program.live === true) {
    await runLive(module, input, program);
    return;
  }
  const result = await module.run(input);
  exportIfAsked(module, result, program, cwd);
  process.stdout.write(render(module, result, context.json) + '\n');
  const status = module.exitStatus?.(result);
  if (status !== undefined) throw new ExitError(status.code, status.message);
}

function render(module: CommandModule<unknown, unknown>, result: unknown, json: boolean): string {
  return json ? JSON.stringify(result, null, 2) : module.print(result, styleFor(process.stdout)).replace(/\n+$/, '');
}

function exportIfAsked(module: CommandModule<unknown, unknown>, result: unknown, options: ProgramOptions, cwd: string) {
  if (options.outputFile === undefined) return;
  const file = path.resolve(cwd, options.outputFile);
  const rows = module.rows;
  writeExport(file, exportFormatOf(file, options.format), result, rows === undefined ? undefined : () => rows(result));
}

/**
 * Query errors a live view waits out instead of stopping: nothing recorded yet, or a database on its
 * way (being created or migrated by the process it watches: schema not there yet, a moment's lock).
 */
const WAITING_REASONS = new Set(['missing-data-dir', 'missing-database', 'schema-older', 'locked']);

function runLive(
  module: CommandModule<unknown, unknown>,
  input: Record<string, unknown> & CommandContext,
  options: ProgramOptions,
): Promise<void> {
  const intervalMs = (options.interval ?? 2) * 1000;
  // With --json each refresh is one JSON document per line (NDJSON), for programs to follow.
  const screen = input.json ? undefined : new LiveScreen(process.stdout);
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const finish = (err?: unknown) => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      screen?.close();
      if (err === undefined) resolve();
      else reject(err);
    };
    const onSignal = () => finish();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const tick = async () => {
      let frame: string;
      try {
        const result = await module.run(input);
        exportIfAsked(module, result, options, input.cwd);
        frame = input.json ? JSON.stringify(result) : liveHeader(intervalMs) + render(module, result, false);
      } catch (err) {
        const reason = (err as { name?: string; reason?: string }).reason;
        if ((err as { name?: string }).name !== 'QueryError' || !WAITING_REASONS.has(reason ?? '')) {
          finish(err);
          return;
        }
        const message = (err as Error).message;
        frame = input.json
          ? JSON.stringify({ waiting: message })
          : `${liveHeader(intervalMs)}waiting for data: ${message}`;
      }
      if (stopped) return;
      if (screen === undefined) process.stdout.write(frame + '\n');
      else screen.draw(frame);
      timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
  });
}

function liveHeader(intervalMs: number): string {
  const style = styleFor(process.stdout);
  const now = new Date().toTimeString().slice(0, 8);
  return style.dim(`live · every ${intervalMs / 1000} s · updated ${now} · Ctrl-C to stop`) + '\n\n';
}
