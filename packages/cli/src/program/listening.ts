import { ExitError, EXIT_FAILURE } from '../errors';

/**
 * For commands that serve until stopped (`collect`, `ui`): the first SIGINT or SIGTERM. The
 * handlers are removed once it comes, so a second Ctrl-C ends the process at once.
 */
export function nextSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Why a server could not listen on host:port, as one line a person can act on; `flag` is the option
 * that chooses that port.
 */
export function listenError(err: unknown, host: string, port: number, inUseHint = '', flag = '--port'): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new ExitError(
        EXIT_FAILURE,
        `cannot listen on ${where}: the port is in use${inUseHint}; choose another with ${flag}`,
      );
    case 'EACCES':
      return new ExitError(
        EXIT_FAILURE,
        `cannot listen on ${where}: permission denied; choose a port above 1023 with ${flag}`,
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ExitError(EXIT_FAILURE, `cannot listen on ${where}: no such address on this machine; check --host`);
    default:
      return err as Error;
  }
}
