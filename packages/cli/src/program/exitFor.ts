import { ExitError, UsageError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../errors';
import { escapeControl } from '../output/printable';

/** What the process prints (one line, or nothing) and exits with, for an error. */
export interface ExitPlan {
  code: number;
  message: string | undefined;
}

/**
 * The ONE place errors become exit codes and messages: 2 for usage (bad flags, bad config values),
 * 1 for everything else. Unexpected errors name themselves in one line; --debug adds the stack.
 * Errors are matched by name, not instanceof, so no module is loaded just to recognise its error.
 * A message may quote anyone's text (a name received over OTLP, a path): its control characters
 * are escaped, so it stays one line and cannot drive the terminal.
 */
export function exitFor(err: unknown, debug: boolean): ExitPlan {
  const stack = debug && err instanceof Error && err.stack !== undefined ? `\n${err.stack}` : '';
  const line = (text: string) => `error: ${escapeControl(text)}${stack}`;
  if (err instanceof UsageError) return { code: EXIT_USAGE, message: line(err.message) };
  if (err instanceof ExitError) return { code: err.code, message: line(err.message) };
  const name = (err as { name?: unknown })?.name;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) {
    // Commander has printed its own one-line message (or the help/version text) already.
    const exitCode = (err as { exitCode?: number }).exitCode ?? EXIT_USAGE;
    return { code: exitCode === 0 ? EXIT_OK : EXIT_USAGE, message: undefined };
  }
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'QueryError') return { code: EXIT_FAILURE, message: line(message) };
  if (name === 'ConfigError') return { code: EXIT_USAGE, message: line(`configuration: ${message}`) };
  if (name === 'SqliteError') return { code: EXIT_FAILURE, message: line(`database: ${message} (${String(code)})`) };
  const hint = debug ? '' : ' (run with --debug for details)';
  return { code: EXIT_FAILURE, message: line(`unexpected ${String(name ?? 'error')}: ${message}${hint}`) };
}
