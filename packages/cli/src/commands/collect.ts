import type { OtlpServer } from '@transcriber/otlp-receiver';
import { ExitError, EXIT_FAILURE, UsageError } from '../errors';
import { printCollect, collectRows } from '../printers/collectPrinter';
import type { CommandContext, CommandModule } from '../program/commandSpec';
import type { CollectSummary } from '../results/collectSummary';

export interface CollectOptions {
  /** Address to listen on (default 127.0.0.1). */
  host: string;
  /** OTLP/HTTP port (default 4318; 0 picks a free one, shown in the first line on stderr). */
  port: number;
  /** OTLP/gRPC port on the same host (default 4317; 0 picks a free one), or off. */
  grpcPort: number | 'off';
}

export const collectCommand: CommandModule<CollectOptions, CollectSummary> = {
  run: collect,
  print: printCollect,
  rows: collectRows,
};

/**
 * Receives OTLP/HTTP and OTLP/gRPC until SIGINT or SIGTERM, writing into the data directory's databases through
 * the same exporters as in-process telemetry; then finishes the requests under way, writes
 * everything it accepted, and returns what it received. Status lines go to stderr, so stdout holds
 * only the summary.
 */
export async function collect(options: CollectOptions & CommandContext): Promise<CollectSummary> {
  const componentRules = await componentRulesOf(options.cwd);
  const valueLengthLimits = await valueLengthLimitsOf();
  const { OtlpServer } = await import('@transcriber/otlp-receiver');
  const status = (line: string) => process.stderr.write(`transcriber collect: ${line}\n`);
  const grpcPort = options.grpcPort === 'off' ? undefined : options.grpcPort;
  let server: OtlpServer;
  try {
    server = await OtlpServer.start({
      dataDir: options.dataDir,
      host: options.host,
      port: options.port,
      grpcPort,
      componentRules,
      valueLengthLimits,
      notify: status,
    });
  } catch (err) {
    throw listenError(err, options.host, options.port, grpcPort);
  }
  const grpc = server.grpcTarget === undefined ? '' : ` and ${server.grpcTarget} (OTLP/gRPC)`;
  // Handlers first: a script that sends SIGTERM as soon as it reads the line below would otherwise
  // kill the process before they are in place (it did, one run in two, nothing written).
  const signalled = nextSignal();
  status(
    `listening on ${server.url} (OTLP/HTTP: /v1/traces, /v1/metrics, /v1/logs)${grpc}, writing to ${options.dataDir}; Ctrl-C to stop`,
  );
  const stoppedBy = await signalled;
  // The handlers are gone now: a second Ctrl-C ends the process at once, unwritten data with it.
  status(`${stoppedBy}: finishing the requests under way and writing what was received (Ctrl-C again to quit at once)`);
  const stats = await server.close();
  return { url: server.url, grpcTarget: server.grpcTarget, dataDir: options.dataDir, stoppedBy, stats };
}

/** The component rules of the config file's `collect` section, or the built-in ones. */
async function componentRulesOf(cwd: string) {
  const { loadConfig } = await import('@transcriber/node/config');
  const { componentRulesFromConfig } = await import('@transcriber/otlp-receiver');
  const loaded = loadConfig({ cwd });
  try {
    return componentRulesFromConfig(loaded.sections.collect);
  } catch (err) {
    if ((err as Error).name !== 'CollectConfigError') throw err;
    throw new UsageError(`configuration: ${loaded.configFile}: ${(err as Error).message}`);
  }
}

/** Attribute value length limits from the OTEL_*_ATTRIBUTE_VALUE_LENGTH_LIMIT variables, as in-process. */
async function valueLengthLimitsOf() {
  const { attributeValueLengthLimits } = await import('@transcriber/node/config');
  try {
    return attributeValueLengthLimits();
  } catch (err) {
    if ((err as Error).name !== 'ConfigError') throw err;
    throw new UsageError((err as Error).message);
  }
}

function nextSignal(): Promise<string> {
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

/** A bind error in one line, naming the flag of the listener that failed (gRPC's errors say `listener: 'grpc'`). */
function listenError(err: unknown, host: string, port: number, grpcPort: number | undefined): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const grpc = (err as { listener?: string }).listener === 'grpc';
  const where = `${host}:${grpc ? grpcPort : port}`;
  const flag = grpc ? '--grpc-port (or off)' : '--port';
  switch (code) {
    case 'EADDRINUSE':
      return new ExitError(
        EXIT_FAILURE,
        `cannot listen on ${where}: the port is in use (an OpenTelemetry Collector on the same port?); choose another with ${flag}`,
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
