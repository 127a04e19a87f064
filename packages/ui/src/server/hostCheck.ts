import * as net from 'node:net';

/**
 * Whether a request's `Host` header names this server: the address it listens on, or `localhost`,
 * with its port. A page on another site that rebinds its own name to 127.0.0.1 (DNS rebinding)
 * sends that name as Host, and is refused; so is a request without a Host. Listening on every
 * interface (0.0.0.0, ::), any IP address literal with the port is accepted: an address cannot be
 * rebound, only a name can.
 */
export function isAllowedHost(hostHeader: string | undefined, listening: { host: string; port: number }): boolean {
  if (hostHeader === undefined) return false;
  const parsed = splitHost(hostHeader.trim().toLowerCase());
  if (parsed === undefined || parsed.port !== listening.port) return false;
  if (parsed.name === 'localhost') return true;
  const host = listening.host.toLowerCase();
  if (host === '0.0.0.0' || host === '::') return net.isIP(parsed.name) !== 0;
  return parsed.name === host;
}

/** `name:port` or `[v6]:port`; no port means 80 (which this server never has by default). */
function splitHost(value: string): { name: string; port: number } | undefined {
  const v6 = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(value);
  if (v6 !== null) return { name: v6[1], port: v6[2] === undefined ? 80 : Number(v6[2]) };
  const plain = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value);
  if (plain === null) return undefined;
  return { name: plain[1], port: plain[2] === undefined ? 80 : Number(plain[2]) };
}
