import * as net from 'node:net';
import type { ProcessProfileResults } from '../profileResults';
import { controlSocketPath } from './controlSocket';
import type { ControlRequest, ControlResponse, ProfileRequest } from './controlProtocol';

/** Why a control request failed: a process that is not there, not ours to profile, or said no. */
export class ControlChannelError extends Error {
  constructor(
    message: string,
    readonly reason: 'not_running' | 'not_instrumented' | 'refused' | 'failed',
  ) {
    super(message);
    this.name = 'ControlChannelError';
  }
}

export interface ControlClientOptions {
  /** Directory of the sockets (the server's `socketDir`). */
  socketDir?: string;
  /** Time allowed beyond the profile's own duration, ms. Default 30000. */
  graceMs?: number;
}

/** Asks process `pid` to profile itself for `durationMs` and returns its results. */
export async function requestProcessProfile(
  pid: number,
  request: ProfileRequest,
  options: ControlClientOptions = {},
): Promise<ProcessProfileResults> {
  return profileFrom(pid, { command: 'profile', ...request }, request.durationMs, options);
}

/**
 * Collects the profile that process `pid` started with (it was given `request` in
 * PROFILE_ON_START_ENV), once it is complete.
 */
export async function collectStartupProfile(
  pid: number,
  request: ProfileRequest,
  options: ControlClientOptions = {},
): Promise<ProcessProfileResults> {
  return profileFrom(pid, { command: 'startup-profile' }, request.durationMs, options);
}

async function profileFrom(
  pid: number,
  request: ControlRequest,
  durationMs: number,
  options: ControlClientOptions,
): Promise<ProcessProfileResults> {
  const response = await send(pid, request, durationMs + (options.graceMs ?? 30_000), options);
  if (response.result === undefined) throw new ControlChannelError(`process ${pid} returned no profile`, 'failed');
  return response.result;
}

/**
 * Asks process `pid` to run its memory optimization (purge of registered caches, garbage
 * collection) and returns the optimizer's result, measured in that process.
 */
export async function requestMemoryOptimization(pid: number, options: ControlClientOptions = {}): Promise<unknown> {
  const response = await send(pid, { command: 'optimize-memory' }, options.graceMs ?? 30_000, options);
  if (response.optimization === undefined) {
    throw new ControlChannelError(`process ${pid} returned no optimization result`, 'failed');
  }
  return response.optimization;
}

/** Resolves when process `pid` answers on its control channel. */
export async function pingProcess(pid: number, options: ControlClientOptions = {}): Promise<void> {
  await send(pid, { command: 'ping' }, options.graceMs ?? 5_000, options);
}

function send(
  pid: number,
  request: ControlRequest,
  timeoutMs: number,
  options: ControlClientOptions,
): Promise<Extract<ControlResponse, { ok: true }>> {
  checkRunning(pid);
  const socketPath = controlSocketPath(pid, options.socketDir);
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ControlChannelError(`process ${pid} did not answer within ${Math.round(timeoutMs / 1000)} s`, 'failed'),
      );
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const missing = err.code === 'ENOENT' || err.code === 'ECONNREFUSED';
      reject(
        missing
          ? new ControlChannelError(
              `process ${pid} is not instrumented (no profiler control socket at ${socketPath}; start it with the @transcriber/node/register preload)`,
              'not_instrumented',
            )
          : new ControlChannelError(`cannot reach process ${pid}: ${err.message}`, 'failed'),
      );
    });
    socket.on('close', () => {
      clearTimeout(timer);
      let response: ControlResponse;
      try {
        response = JSON.parse(reply) as ControlResponse;
      } catch {
        reject(new ControlChannelError(`process ${pid} closed the control channel without an answer`, 'failed'));
        return;
      }
      if (response.ok) resolve(response);
      else reject(new ControlChannelError(`process ${pid}: ${response.error}`, 'refused'));
    });
  });
}

function checkRunning(pid: number): void {
  if (!Number.isInteger(pid) || pid <= 0) throw new ControlChannelError(`invalid pid ${String(pid)}`, 'not_running');
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') {
      throw new ControlChannelError(`no process with pid ${pid} is running`, 'not_running');
    }
    // EPERM: it runs, as another user; its socket (if any) is not ours to reach.
  }
}
