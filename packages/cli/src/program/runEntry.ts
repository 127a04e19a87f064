import * as path from 'node:path';
import { ExitError, UsageError } from '../errors';
import { LiveScreen } from '../output/liveScreen';
import {
  checkExportTarget,
  exportFormatOf,
  writeExport,
  type ExportFormat,
  type ExportTarget,
} from '../output/exportFile';
import { toCsv } from '../output/csv';
import { makeStyle, styleFor } from '../output/style';
import { escapeControl, printable } from '../output/printable';
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
  force?: boolean;
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
  const target = exportTargetOf(program, context);
  if (target !== undefined) {
    if (target.format === 'csv' && module.rows === undefined)
      throw new UsageError('this command can only export JSON or text');
    checkExportTarget(target);
  }
  if (program.live === true) {
    await runLive(module, input, program, target);
    return;
  }
  const result = await module.run(input);
  if (target !== undefined) writeExport(target, exportText(module, result, target.format));
  process.stdout.write(render(module, result, context.json) + '\n');
  const status = module.exitStatus?.(result);
  if (status !== undefined) throw new ExitError(status.code, status.message);
}

function render(module: CommandModule<unknown, unknown>, result: unknown, json: boolean): string {
  return json ? jsonText(result, 2) : module.print(printable(result), styleFor(process.stdout)).replace(/\n+$/, '');
}

/**
 * JSON, with the C1 control characters JSON.stringify leaves as they are (0x9b starts a terminal
 * escape sequence like ESC [) written as \u escapes: the same data, safe on a terminal.
 */
function jsonText(result: unknown, indent?: number): string {
  return JSON.stringify(result, null, indent).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function exportTargetOf(options: ProgramOptions, context: CommandContext): ExportTarget | undefined {
  if (options.outputFile === undefined) return undefined;
  const file = path.resolve(context.cwd, options.outputFile);
  return {
    file,
    format: exportFormatOf(file, options.format),
    force: options.force === true,
    dataDir: context.dataDir,
  };
}

/** The data as the export format wants it: JSON as returned, CSV of the flat rows, or the text view. */
function exportText(module: CommandModule<unknown, unknown>, result: unknown, format: ExportFormat): string {
  if (format === 'csv') return toCsv(module.rows!(result));
  if (format === 'text') return module.print(printable(result), makeStyle(false)).replace(/\n+$/, '') + '\n';
  return JSON.stringify(result, null, 2) + '\n';
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
  target: ExportTarget | undefined,
): Promise<void> {
  const intervalMs = (options.interval ?? 2) * 1000;
  // With --json each refresh is one JSON document per line (NDJSON), for programs to follow.
  // Redrawn in place only on a terminal: piped, each refresh follows the last (no cursor escapes).
  const screen = input.json || process.stdout.isTTY !== true ? undefined : new LiveScreen(process.stdout);
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
        // Each refresh replaces the export of the one before (written by this run: --force or not).
        if (target !== undefined) writeExport({ ...target, force: true }, exportText(module, result, target.format));
        frame = input.json ? jsonText(result) : liveHeader(intervalMs) + render(module, result, false);
      } catch (err) {
        const reason = (err as { name?: string; reason?: string }).reason;
        if ((err as { name?: string }).name !== 'QueryError' || !WAITING_REASONS.has(reason ?? '')) {
          finish(err);
          return;
        }
        const message = (err as Error).message;
        frame = input.json
          ? JSON.stringify({ waiting: message })
          : `${liveHeader(intervalMs)}waiting for data: ${escapeControl(message)}`;
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
