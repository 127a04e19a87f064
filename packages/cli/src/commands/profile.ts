import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProcessProfileResults, ProfileRequest } from '@transcriber/profiler/client';
import { ExitError, EXIT_FAILURE, UsageError } from '../errors';
import { makeStyle } from '../output/style';
import { printProfile } from '../printers/profilePrinter';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { profileRunningProcess, profileStartedProgram } from './profileTarget';

export interface ProfileOptions {
  /** Seconds to profile. */
  duration: number;
  component?: string;
  memory?: boolean;
  /** Also write the report to this file: JSON for `.json`, else the text report. */
  output?: string;
  /** A running instrumented process. */
  pid?: number;
  /** Or a Node program to start with the instrumentation preloaded (after `--`). */
  command?: string[];
}

export interface ProfileReport extends ProcessProfileResults {
  /** The program started, when profiled with `-- <command>`. */
  command?: string[];
  /** Where the report was written (`--output`). */
  outputFile?: string;
}

export const profileCommand: CommandModule<ProfileOptions, ProfileReport> = {
  run: profile,
  print: printProfile,
};

/** Profiles a process (by pid, or a program it starts) and returns its hot spots per component. */
export async function profile(options: ProfileOptions & CommandContext): Promise<ProfileReport> {
  const command = options.command ?? [];
  if (options.pid === undefined && command.length === 0) {
    throw new UsageError('choose what to profile: --pid N, or -- node <program> [args]');
  }
  if (options.pid !== undefined && command.length > 0) {
    throw new UsageError('give either --pid or a program to start, not both');
  }
  const outputFile = options.output === undefined ? undefined : path.resolve(options.cwd, options.output);
  // Checked first: a long profile must not be lost to a typo in the output path.
  if (outputFile !== undefined) checkWritable(outputFile);
  const request: ProfileRequest = { durationMs: options.duration * 1000, memory: options.memory === true };
  if (options.component !== undefined) request.component = options.component;

  let report: ProfileReport;
  if (options.pid !== undefined) {
    report = await profileRunningProcess(options.pid, request);
  } else {
    const started = await profileStartedProgram(command, request, { dataDir: options.dataDir, cwd: options.cwd });
    report = { ...started.results, command };
  }
  if (outputFile !== undefined) {
    report.outputFile = outputFile;
    const text =
      path.extname(outputFile).toLowerCase() === '.json'
        ? JSON.stringify(report, null, 2)
        : printProfile(report, makeStyle(false));
    writeReport(outputFile, text + '\n');
  }
  return report;
}

function checkWritable(file: string): void {
  try {
    if (fs.existsSync(file)) {
      if (fs.statSync(file).isDirectory()) throw new Error('it is a directory');
      fs.accessSync(file, fs.constants.W_OK);
    } else {
      fs.accessSync(path.dirname(file), fs.constants.W_OK);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its directory does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : (err as Error).message;
    throw new UsageError(`cannot write --output ${file}: ${why}`);
  }
}

function writeReport(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text, { mode: 0o600 });
  } catch (err) {
    throw new ExitError(EXIT_FAILURE, `cannot write --output ${file}: ${(err as Error).message}`, { cause: err });
  }
}
