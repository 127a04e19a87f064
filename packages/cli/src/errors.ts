/** The user asked for something the CLI cannot do as written (bad flag value, unknown name): exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Stop with this exit code and one-line message (a failed check, missing data, …). */
export class ExitError extends Error {
  readonly code: number;

  constructor(code: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExitError';
    this.code = code;
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** `benchmark --fail-on-regression` and a benchmark regressed (1 stays "could not run"). */
export const EXIT_REGRESSION = 3;
