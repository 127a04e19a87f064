import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanEnv } from './cleanEnv';

/** The built CLI (packages/cli/dist): tests run it as users do, as its own process. */
export const BIN = path.join(__dirname, '..', '..', 'packages', 'cli', 'dist', 'bin.js');
const WORKLOAD = path.join(__dirname, '..', '..', 'packages', 'cli', 'test', 'fixtures', 'workload.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Default: the system temp dir (no transcriber.config.json of the repository's applies). */
  cwd?: string;
  /** Added to the clean environment. */
  env?: Record<string, string>;
  /** Killed past this many ms. Default 30 s. */
  timeoutMs?: number;
}

/** Runs `transcriber <args>` to its end. */
export function runCli(args: string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? os.tmpdir(),
    env: cleanEnv(options.env),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Settings that make the workload's telemetry reach SQLite quickly. */
export function workloadEnv(dataDir: string): Record<string, string> {
  return {
    TRANSCRIBER_PERF_DATA_DIR: dataDir,
    TRANSCRIBER_PERF_MONITORING_INTERVAL: '0.05',
    OTEL_METRIC_EXPORT_INTERVAL: '100',
  };
}

/** Runs the instrumented workload to completion (see packages/cli/test/fixtures/workload.js for the options). */
export function recordWorkload(dataDir: string, args: string[] = []): void {
  const result = spawnSync(process.execPath, [WORKLOAD, ...args], {
    env: cleanEnv(workloadEnv(dataDir)),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`workload failed (${result.status}): ${result.stderr}`);
}

/** Starts the workload recording turns until it is signalled. */
export function startWorkload(dataDir: string, args: string[] = []): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [WORKLOAD, '--forever', ...args], { env: cleanEnv(workloadEnv(dataDir)) });
}

/** The single line an error should be, with no stack trace. */
export function expectOneLineError(result: CliResult, code: number, pattern: RegExp): void {
  expect({ status: result.status, stdout: result.stdout }).toEqual({ status: code, stdout: '' });
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}
