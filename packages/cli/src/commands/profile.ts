import * as path from 'node:path';
import type { ProfileRequest } from '@transcriber/profiler/client';
import { UsageError } from '../errors';
import { printProfile } from '../printers/profilePrinter';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { profileRunningProcess, profileStartedProgram } from './profileTarget';
import type { ProfileReport } from '../results/profile';

export interface ProfileOptions {
  /** Seconds to profile. */
  duration: number;
  component?: string;
  memory?: boolean;
  /** Also write the report to this file (the program's export: JSON, or text for `.txt`). */
  outputFile?: string;
  format?: 'json' | 'csv' | 'text';
  force?: boolean;
  /** A running instrumented process. */
  pid?: number;
  /** Or a Node program to start with the instrumentation preloaded (after `--`). */
  command?: string[];
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
  const request: ProfileRequest = { durationMs: options.duration * 1000, memory: options.memory === true };
  if (options.component !== undefined) request.component = options.component;

  let report: ProfileReport;
  if (options.pid !== undefined) {
    report = await profileRunningProcess(options.pid, request);
  } else {
    const started = await profileStartedProgram(command, request, { dataDir: options.dataDir, cwd: options.cwd });
    report = { ...started.results, command };
  }
  // The program writes the file (see runEntry); the report says where.
  if (options.outputFile !== undefined) report.outputFile = path.resolve(options.cwd, options.outputFile);
  return report;
}
