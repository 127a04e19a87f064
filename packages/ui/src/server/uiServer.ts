import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangeFeed } from './changeFeed';
import { isAllowedHost } from './hostCheck';
import { HttpError } from './httpError';
import { Params } from './params';
import { routeOf } from './routes';
import { StaticFiles } from './staticFiles';

export interface UiServerOptions {
  /** The data directory whose databases the view reads. */
  dataDir: string;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 7777, 0 for any free one. */
  port?: number;
  /** Told of unexpected errors while answering (each also answers 500 with its message). */
  onError?: (err: unknown) => void;
}

export interface UiServer {
  /** Where the page is, e.g. `http://127.0.0.1:7777/`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Requests answered so far. */
  readonly requests: number;
  /** Stops listening, ends the event streams and open connections; resolves once closed. */
  close(): Promise<void>;
}

/** Every answer: no sniffing, no referrer, not framed, not readable cross-origin. */
const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};
/** The page runs our bundle only and talks to this server only: nothing from the internet. */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The web view's HTTP server (node:http): the built page, a read-only JSON API over the read-side
 * queries (routes.ts), and a stream of change events. GET and HEAD only; requests whose Host is not
 * this server's get 403.
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1';
  const files = new StaticFiles();
  const feed = new ChangeFeed(options.dataDir);
  let requests = 0;
  let listening = { host, port: options.port ?? 7777 };

  const server = http.createServer((req, res) => {
    requests++;
    answer(req, res).catch((err: unknown) => {
      options.onError?.(err);
      if (!res.headersSent) sendJson(res, 500, { error: oneLine(err) });
      else res.destroy();
    });
  });

  async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, listening)) {
      return sendJson(res, 403, {
        error: `forbidden: Host ${JSON.stringify(req.headers.host ?? '')} is not this server`,
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: `${req.method ?? 'this method'} is not allowed: the view is read-only` });
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://view');
    } catch {
      return sendJson(res, 400, { error: 'malformed request path' });
    }
    if (url.pathname === '/api/events') return feed.attach(withHeaders(res));
    if (url.pathname.startsWith('/api/')) return api(url, res);
    const asset = files.get(url.pathname);
    if (asset === undefined) return sendJson(res, 404, { error: `no such page: ${url.pathname}` });
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': asset.contentType,
      'content-length': asset.body.length,
      'cache-control': 'no-cache',
      ...(asset.contentType.startsWith('text/html') ? { 'content-security-policy': PAGE_POLICY } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  async function api(url: URL, res: http.ServerResponse): Promise<void> {
    const found = routeOf(url.pathname);
    if (found === undefined) return sendJson(res, 404, { error: `no such API: ${url.pathname}` });
    try {
      const handler = await found.route.load();
      const params = new Params(url.searchParams, handler.params);
      const match = found.match.map((m) => safeDecode(m));
      const body = await handler.handle({ dataDir: options.dataDir, params, match });
      sendJson(res, 200, body);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.status === 503) res.setHeader('retry-after', '1');
      sendJson(res, err.status, { error: err.message, ...(err.reason === undefined ? {} : { reason: err.reason }) });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7777, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  listening = { host, port };
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? 'localhost' : shownHost}:${port}/`,
    host,
    port,
    get requests() {
      return requests;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        feed.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests under way finish (they are short); then nothing is left open.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      });
      return closing;
    },
  };
}

function withHeaders(res: http.ServerResponse): http.ServerResponse {
  for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
  return res;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0];
}
