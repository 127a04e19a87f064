import type { OtlpServerThread } from '@transcriber/otlp-receiver/thread';
import { UsageError } from '../errors';
import { listenError, nextSignal } from '../program/listening';
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
  const { OtlpServerThread } = await import('@transcriber/otlp-receiver/thread');
  const status = (line: string) => process.stderr.write(`transcriber collect: ${line}\n`);
  const grpcPort = options.grpcPort === 'off' ? undefined : options.grpcPort;
  let server: OtlpServerThread;
  try {
    // In a thread of its own: see RECEIVER_YOUNG_GENERATION_MB.
    server = await OtlpServerThread.start({
      dataDir: options.dataDir,
      host: options.host,
      port: options.port,
      grpcPort,
      componentRules,
      valueLengthLimits,
      notify: status,
    });
  } catch (err) {
    const hint = ' (an OpenTelemetry Collector on the same port?)';
    // A gRPC bind error says so (`listener: 'grpc'`); the HTTP port is bound first.
    throw (err as { listener?: string }).listener === 'grpc'
      ? listenError(err, options.host, grpcPort!, hint, '--grpc-port (or off)')
      : listenError(err, options.host, options.port, hint);
  }
  const grpc = server.grpcTarget === undefined ? '' : ` and ${server.grpcTarget} (OTLP/gRPC)`;
  // Listening for the signal before saying where it listens: whoever reads that line may stop it at once.
  const stopped = nextSignal();
  status(
    `listening on ${server.url} (OTLP/HTTP: /v1/traces, /v1/metrics, /v1/logs)${grpc}, writing to ${options.dataDir}; Ctrl-C to stop`,
  );
  // A server thread that fails ends the command (as an error on the process's own thread would have).
  const stoppedBy = await Promise.race([
    stopped,
    server.failed().then((err) => {
      throw err;
    }),
  ]);
  // The handlers are gone now: a second Ctrl-C ends the process at once, unwritten data with it.
  status(`${stoppedBy}: finishing the requests under way and writing what was received (Ctrl-C again to quit at once)`);
  const stats = await server.close();
  return { url: server.url, grpcTarget: server.grpcTarget, dataDir: options.dataDir, stoppedBy, stats };
}

/** The component rules of the config file's `collect` section, or the built-in ones. */
async function componentRulesOf(cwd: string) {
  const { loadConfig } = await import('@transcriber/node/config');
  const { componentRulesFromConfig } = await import('@transcriber/otlp-receiver/thread');
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
