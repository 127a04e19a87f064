/** An answer other than 200, with its one-line message; `reason` names a QueryError's kind. */
export class HttpError extends Error {
  readonly status: number;
  readonly reason: string | undefined;

  constructor(status: number, message: string, reason?: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.reason = reason;
  }
}

/** 400: a parameter the API cannot use. */
export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}
