import type { ApiError } from '../shared/apiTypes';

/** An API answer other than 200: its status and one-line message. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly reason: string | undefined;

  constructor(status: number, message: string, reason?: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.reason = reason;
  }
}

/** GETs an API path with query values (undefined ones left out) and returns its JSON. */
export async function getJson<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  const res = await fetch(`${path}${qs === '' ? '' : `?${qs}`}`, { headers: { accept: 'application/json' } });
  const body = (await res.json()) as unknown;
  if (!res.ok) {
    const err = body as Partial<ApiError>;
    throw new ApiRequestError(res.status, err.error ?? `HTTP ${res.status}`, err.reason);
  }
  return body as T;
}
