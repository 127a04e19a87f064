import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  collectStartupProfile,
  ControlChannelError,
  pingProcess,
  PROFILE_ON_START_ENV,
  requestProcessProfile,
  type ProcessProfileResults,
  type ProfileRequest,
} from '@transcriber/profiler/client';
import { ExitError, EXIT_FAILURE, UsageError } from '../errors';

/** Profiles a running instrumented process through its control channel. */
export async function profileRunningProcess(pid: number, request: ProfileRequest): Promise<ProcessProfileResults> {
  try {
    return await requestProcessProfile(pid, request);
  } catch (err) {
    throw asExitError(err);
  }
}

// How long a started program may take to load the preload and open its control channel.
const STARTUP_TIMEOUT_MS = 15_000;
// How long an answer sent just before the program exited may take to be read after the exit, ms.
const ANSWER_AFTER_EXIT_MS = 2_000;

const delay = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));

/**
 * Starts `node <script> [args]` with the instrumentation preloaded, profiles it from before its
 * first line for the duration (or until it ends on its own), then stops it if it still runs. The
 * program's output goes to stderr, so stdout carries only the report.
 */
export async function profileStartedProgram(
  command: readonly string[],
  request: ProfileRequest,
  env: { dataDir: string; cwd: string },
): Promise<{ pid: number; results: ProcessProfileResults }> {
  const args =
    command[0] === 'node' || path.basename(command[0]) === path.basename(process.execPath) ? command.slice(1) : command;
  if (args.length === 0) throw new UsageError('give the Node program to start after --, e.g. -- node agent.js');
  const child = spawn(process.execPath, ['--require', registerPath(), ...args], {
    cwd: env.cwd,
    env: { ...process.env, TRANSCRIBER_PERF_DATA_DIR: env.dataDir, [PROFILE_ON_START_ENV]: JSON.stringify(request) },
    stdio: ['inherit', process.stderr, process.stderr],
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? null : 128)));
    child.once('error', () => resolve(null));
  });
  try {
    await waitForControlChannel(child, exited);
    const collected = collectStartupProfile(child.pid!, request).then(
      (results) => ({ results }),
      (error: unknown) => ({ error }),
    );
    let outcome = await Promise.race([collected, exited.then(() => undefined)]);
    // A program that ends on its own sends the profile just before it exits, and the exit may be
    // seen first: the answer gets a moment to arrive.
    outcome ??= await Promise.race([collected, delay(ANSWER_AFTER_EXIT_MS)]);
    if (outcome !== undefined && 'results' in outcome) return { pid: child.pid!, results: outcome.results };
    if (outcome === undefined || child.exitCode !== null || child.signalCode !== null) {
      const code = await exited;
      throw new ExitError(EXIT_FAILURE, `the program exited (code ${String(code)}) before the profile was complete`);
    }
    throw outcome.error;
  } catch (err) {
    throw asExitError(err);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  }
}

async function waitForControlChannel(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  let done = false;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const ended = exited.then((code) => {
    if (!done) {
      throw new ExitError(
        EXIT_FAILURE,
        `the program exited (code ${String(code)}) before its profiler control channel opened`,
      );
    }
  });
  const poll = (async () => {
    while (!done) {
      try {
        await pingProcess(child.pid!);
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          throw new ExitError(
            EXIT_FAILURE,
            `the program did not open its profiler control channel within ${STARTUP_TIMEOUT_MS / 1000} s (is it a Node program?)`,
          );
        }
        if (!(err instanceof ControlChannelError)) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  })();
  try {
    await Promise.race([poll, ended]);
  } finally {
    done = true;
  }
}

function registerPath(): string {
  try {
    return require.resolve('@transcriber/node/register');
  } catch {
    throw new ExitError(EXIT_FAILURE, 'the preload @transcriber/node/register is not installed (build packages/node)');
  }
}

function asExitError(err: unknown): unknown {
  return err instanceof ControlChannelError ? new ExitError(EXIT_FAILURE, err.message, { cause: err }) : err;
}
