/* eslint-disable @typescript-eslint/no-require-imports -- http/https load when the first export is sent */
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';

export type OtlpSignal = 'TRACES' | 'METRICS' | 'LOGS';

/** What the OTLP exporters' `httpAgentOptions` takes: an agent for `http:` or `https:`. */
export type AgentFactory = (protocol: string) => http.Agent;

/**
 * The agents the OTLP exporters send with: Node's own, with the options the exporters give theirs
 * (keep-alive; for https the OTEL_EXPORTER_OTLP_[signal_]CERTIFICATE, _CLIENT_CERTIFICATE and
 * _CLIENT_KEY files), whose connections report a failure to connect (refused, unresolvable host,
 * unreachable, timed out) when it happens. The exporters retry such a failure with backoff for up
 * to their timeout (10 s by default) before the SDK reports it, and an app that ends sooner sends
 * its last exports at exit, cut at the 3 s exit deadline: whether the unreachable Collector's
 * warning appeared depended on where the retries' jittered backoff fell (3 runs of 6).
 */
export function connectionReportingAgents(signal: OtlpSignal, onConnectFailure: (err: Error) => void): AgentFactory {
  return (protocol) => {
    const secure = protocol === 'https:';
    const { Agent } = (secure ? require('node:https') : require('node:http')) as typeof http;
    const agent = new Agent({ keepAlive: true, ...(secure ? tlsFiles(signal) : {}) });
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = (options, callback) => {
      const socket = createConnection(options, callback);
      if (socket !== null && socket !== undefined) reportFailureToConnect(socket, onConnectFailure);
      return socket;
    };
    return agent;
  };
}

/** An error before the connection was made; errors on an established connection are the SDK's to report. */
function reportFailureToConnect(socket: Duplex, onConnectFailure: (err: Error) => void): void {
  let connected = false;
  socket.once('connect', () => (connected = true));
  socket.once('error', (err: Error) => {
    if (!connected) onConnectFailure(err);
  });
}

/** The TLS files the exporters read from the environment (unreadable ones they already warned about). */
function tlsFiles(signal: OtlpSignal): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const read = (suffix: string): Buffer | undefined => {
    const file =
      process.env[`OTEL_EXPORTER_OTLP_${signal}_${suffix}`]?.trim() ||
      process.env[`OTEL_EXPORTER_OTLP_${suffix}`]?.trim();
    if (!file) return undefined;
    try {
      return fs.readFileSync(path.resolve(process.cwd(), file));
    } catch {
      return undefined;
    }
  };
  return { ca: read('CERTIFICATE'), cert: read('CLIENT_CERTIFICATE'), key: read('CLIENT_KEY') };
}
