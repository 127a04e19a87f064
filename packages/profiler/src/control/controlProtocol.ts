import type { ProcessProfileResults } from '../profileResults';

/**
 * The control channel's protocol: one JSON line each way per connection. The client asks, the
 * server answers and closes.
 */
export type ControlRequest =
  | { command: 'ping' }
  | { command: 'profile'; durationMs: number; component?: string; memory?: boolean }
  | { command: 'optimize-memory' };

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
  if (r.command === 'ping' || r.command === 'optimize-memory') return undefined;
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
