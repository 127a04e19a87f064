import { diag } from '@opentelemetry/api';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ProcessProfileResults } from '../profileResults';
import type { ProfilerManager } from '../profilerManager';
import type { ProfilerOptions } from '../profilerOptions';
import { controlSocketPath, defaultSocketDir, ensurePrivateDir } from './controlSocket';
import {
  invalidRequest,
  MAX_REQUEST_BYTES,
  type ControlRequest,
  type ControlResponse,
  type ProfileRequest,
} from './controlProtocol';

/**
 * How long a process whose start-up profile has ended waits for the `startup-profile` request
 * before it may exit, ms: the program ended on its own, and the CLI that started it is on its way.
 */
const STARTUP_PROFILE_COLLECT_WAIT_MS = 15_000;

export interface ProfilerControlServerOptions {
  /** Data dir of the process: where its profile results and files go. */
  dataDir: string;
  /** The profiler to use; one is made for `dataDir` (with `profilerOptions`) when not given. */
  profiler?: ProfilerManager;
  profilerOptions?: ProfilerOptions;
  /** Directory of the socket. Default: `transcriber-<uid>` in the temp dir. */
  socketDir?: string;
  /**
   * What `transcriber optimize --apply memory --pid` runs in this process (the preload passes the
   * optimizer's memory optimization; the profiler does not know the optimizer). Without it such
   * requests are refused.
   */
  optimizeMemory?: () => Promise<unknown>;
  /**
   * A whole-process profile to start at once, answered to `startup-profile` (see
   * PROFILE_ON_START_ENV). Loads the profiler now rather than at the first request.
   */
  startupProfile?: ProfileRequest;
}

export interface ProfilerControlServer {
  readonly socketPath: string;
  readonly profiler: ProfilerManager;
  /** Resolves when the socket listens (never rejects: a failure is reported through `diag`). */
  readonly ready: Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Lets `transcriber profile --pid <this pid>` profile this process: a Unix socket only this user
 * can reach (owner-only directory, socket mode 0600), answering one JSON request per connection.
 * It never keeps the process alive and is removed when the process exits. The profiler itself
 * (~230 modules with what it writes through) is loaded at the first request or the first read of
 * `profiler`: every preloaded process listens, few are ever profiled.
 */
export function startProfilerControlServer(options: ProfilerControlServerOptions): ProfilerControlServer {
  const socketDir = options.socketDir ?? defaultSocketDir();
  const socketPath = controlSocketPath(process.pid, socketDir);
  let profiler = options.profiler;
  const getProfiler = (): ProfilerManager => {
    if (profiler === undefined) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when first needed
      const { ProfilerManager } = require('../profilerManager') as typeof import('../profilerManager');
      profiler = new ProfilerManager(options.dataDir, options.profilerOptions);
    }
    return profiler;
  };
  const startup =
    options.startupProfile === undefined ? undefined : startStartupProfile(getProfiler(), options.startupProfile);
  const server = net.createServer((socket) =>
    serve(socket, { profiler: getProfiler, startup, optimizeMemory: options.optimizeMemory }),
  );
  server.unref();
  const removeSocket = () => {
    try {
      fs.unlinkSync(socketPath);
    } catch {
      // already gone
    }
  };
  const ready = new Promise<boolean>((resolve) => {
    try {
      ensurePrivateDir(socketDir);
      removeSocket(); // left by an earlier process with the same pid
    } catch (err) {
      diag.warn(`transcriber: profiler control channel not started: ${(err as Error).message}`);
      resolve(false);
      return;
    }
    server.once('error', (err) => {
      diag.warn(`transcriber: profiler control channel not started: ${err.message}`);
      resolve(false);
    });
    server.listen(socketPath, () => {
      try {
        fs.chmodSync(socketPath, 0o600);
      } catch (err) {
        diag.warn(`transcriber: could not restrict ${path.basename(socketPath)}: ${(err as Error).message}`);
      }
      process.once('exit', removeSocket);
      resolve(true);
    });
  });
  let closed: Promise<void> | undefined;
  return {
    socketPath,
    get profiler() {
      return getProfiler();
    },
    ready,
    close() {
      closed ??= ready.then(async (listening) => {
        if (!listening) return;
        process.off('exit', removeSocket);
        await new Promise<void>((resolve) => server.close(() => resolve()));
        removeSocket();
      });
      return closed;
    },
  };
}

interface Handlers {
  profiler: () => ProfilerManager;
  startup: StartupProfile | undefined;
  optimizeMemory: (() => Promise<unknown>) | undefined;
}

interface StartupProfile {
  result: Promise<ProcessProfileResults>;
  /** The result was asked for: the process need not wait for the request any more. */
  collected(): void;
}

function startStartupProfile(profiler: ProfilerManager, request: ProfileRequest): StartupProfile {
  const result = profileAndStore(profiler, request);
  let collected = false;
  let hold: NodeJS.Timeout | undefined;
  result.then(
    () => {
      // Ref'd, unlike everything else here: without it a program that ended on its own would exit
      // before the CLI that started it got the profile.
      if (!collected) hold = setTimeout(() => {}, STARTUP_PROFILE_COLLECT_WAIT_MS);
    },
    (err: Error) => diag.warn(`transcriber: the start-up profile failed: ${err.message}`),
  );
  return {
    result,
    collected() {
      collected = true;
      clearTimeout(hold);
    },
  };
}

function serve(socket: net.Socket, handlers: Handlers): void {
  socket.unref();
  let buffered = '';
  const answer = (response: ControlResponse) => {
    socket.end(`${JSON.stringify(response)}\n`);
  };
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    const newline = buffered.indexOf('\n');
    if (newline === -1) {
      if (buffered.length > MAX_REQUEST_BYTES) answer({ ok: false, error: 'request too long' });
      return;
    }
    socket.removeAllListeners('data');
    let request: unknown;
    try {
      request = JSON.parse(buffered.slice(0, newline));
    } catch {
      answer({ ok: false, error: 'request is not valid JSON' });
      return;
    }
    const invalid = invalidRequest(request);
    if (invalid !== undefined) {
      answer({ ok: false, error: invalid });
      return;
    }
    handle(request as ControlRequest, handlers).then(answer, (err: Error) => answer({ ok: false, error: err.message }));
  });
}

async function handle(request: ControlRequest, handlers: Handlers): Promise<ControlResponse> {
  if (request.command === 'ping') return { ok: true, pid: process.pid };
  if (request.command === 'optimize-memory') {
    if (handlers.optimizeMemory === undefined) return { ok: false, error: 'this process has no memory optimizer' };
    return { ok: true, pid: process.pid, optimization: await handlers.optimizeMemory() };
  }
  if (request.command === 'startup-profile') {
    const { startup } = handlers;
    if (startup === undefined) return { ok: false, error: 'this process was not started with a profile' };
    try {
      return { ok: true, pid: process.pid, result: await startup.result };
    } finally {
      startup.collected();
    }
  }
  return { ok: true, pid: process.pid, result: await profileAndStore(handlers.profiler(), request) };
}

/** Profiles the whole process; the result is stored (profile_results.db) before it is returned. */
async function profileAndStore(profiler: ProfilerManager, request: ProfileRequest): Promise<ProcessProfileResults> {
  const result = await profiler.profileProcess({
    durationMs: request.durationMs,
    ...(request.component !== undefined ? { component: request.component } : {}),
    enableMemory: request.memory === true,
  });
  await profiler.flush();
  return result;
}
