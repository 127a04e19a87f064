import type { UiServer } from '@transcriber/ui';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import { listenError, nextSignal } from '../program/listening';
import { printUi, uiRows } from '../printers/uiPrinter';
import type { UiSummary } from '../results/uiSummary';
import { openBrowser } from './openBrowser';

export interface UiOptions {
  /** Address to listen on (default 127.0.0.1). */
  host: string;
  /** Port (default 7777; 0 picks a free one, shown in the first line on stderr). */
  port: number;
  /** Open the page in the desktop's browser once listening. */
  open?: boolean;
}

export const uiCommand: CommandModule<UiOptions, UiSummary> = {
  run: ui,
  print: printUi,
  rows: uiRows,
};

/**
 * Serves the web view of the data directory (read-only) until SIGINT or SIGTERM, then stops
 * answering, closes its connections and returns what it served. Status lines go to stderr.
 */
export async function ui(options: UiOptions & CommandContext): Promise<UiSummary> {
  const status = (line: string) => process.stderr.write(`transcriber ui: ${line}\n`);
  const { startUiServer } = await import('@transcriber/ui');
  let server: UiServer;
  try {
    server = await startUiServer({
      dataDir: options.dataDir,
      host: options.host,
      port: options.port,
      onError: (err) => status(`error answering a request: ${err instanceof Error ? err.message : String(err)}`),
    });
  } catch (err) {
    throw listenError(err, options.host, options.port);
  }
  // Listening for the signal before saying where it serves: whoever reads that line may stop it at once.
  const stopped = nextSignal();
  status(`serving ${server.url} (a read-only view of ${options.dataDir}); Ctrl-C to stop`);
  if (options.open === true) openBrowser(server.url, status);
  const stoppedBy = await stopped;
  await server.close();
  return { url: server.url, dataDir: options.dataDir, stoppedBy, requests: server.requests };
}
