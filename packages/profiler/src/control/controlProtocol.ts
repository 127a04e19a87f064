import type { ProcessProfileResults } from '../profileResults';

/**
 * The control channel's protocol: one JSON line each way per connection. The client asks, the
 * server answers and closes.
 */
export type ControlRequest =
  | { command: 'ping' }
  | ({ command: 'profile' } & ProfileRequest)
  | { command: 'startup-profile' }
  | { command: 'optimize-memory' };

/** A whole-process profile: how long, which component's hot spots, and whether memory too. */
export interface ProfileRequest {
  durationMs: number;
  component?: string;
  memory?: boolean;
}

/**
 * Set by `transcriber profile -- node <program>` on the program it starts, to a ProfileRequest as
 * JSON: the preload then profiles from before the program's first line (a short program would
 * otherwise be half over by the time a request arrives), and answers `startup-profile` with it.
 */
export const PROFILE_ON_START_ENV = 'TRANSCRIBER_PROFILE_ON_START';

export type ControlResponse =
  { ok: true; pid: number; result?: ProcessProfileResults; optimization?: unknown } | { ok: false; error: string };

/** Longest request line accepted, bytes. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** Longest profile a request may ask for: a day. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

/** Checks a parsed request; returns an error message, or undefined when it is valid. */
export function invalidRequest(request: unknown): string | undefined {
  if (request === null || typeof request !== 'object') return 'request must be a JSON object';
  const r = request as Record<string, unknown>;
  if (r.command === 'ping' || r.command === 'optimize-memory' || r.command === 'startup-profile') return undefined;
  if (r.command !== 'profile') return `unknown command ${JSON.stringify(r.command)}`;
  if (typeof r.durationMs !== 'number' || !(r.durationMs > 0) || r.durationMs > MAX_DURATION_MS) {
    return `durationMs must be a positive number of at most ${MAX_DURATION_MS}`;
  }
  if (r.component !== undefined && (typeof r.component !== 'string' || r.component.length > 100)) {
    return 'component must be a short string';
  }
  if (r.memory !== undefined && typeof r.memory !== 'boolean') return 'memory must be true or false';
  return undefined;
}

/** Reads the ProfileRequest of PROFILE_ON_START_ENV; throws with the reason when it is not one. */
export function parseProfileOnStart(text: string): ProfileRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${PROFILE_ON_START_ENV} is not valid JSON`);
  }
  const invalid = invalidRequest(
    parsed !== null && typeof parsed === 'object' ? { ...parsed, command: 'profile' } : parsed,
  );
  if (invalid !== undefined) throw new Error(`${PROFILE_ON_START_ENV}: ${invalid}`);
  const { durationMs, component, memory } = parsed as ProfileRequest;
  return { durationMs, ...(component !== undefined ? { component } : {}), ...(memory !== undefined ? { memory } : {}) };
}
