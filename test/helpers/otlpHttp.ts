// Requests to an OTLP/HTTP receiver over real HTTP: one request on a fresh connection, or raw bytes
// on a socket (for what an HTTP client will not send: slow or malformed requests).
import * as http from 'node:http';
import * as net from 'node:net';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One POST (or other method) over a fresh connection. `body` as chunks sends it chunked. */
export function request(
  url: string,
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | Buffer[] } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(pathname, url),
      { method: options.method ?? 'POST', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    if (Array.isArray(options.body)) {
      for (const chunk of options.body) req.write(chunk);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

/** Sends raw bytes on a new connection and returns everything the server wrote before closing it. */
export function rawRequest(url: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = net.connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** A connection that sends `head` at once, then one byte of `trickle` every `everyMs` until closed. */
export interface SlowSender {
  /** Resolves when the server closes the connection: what it answered, and after how long. */
  closed: Promise<{ answer: string; elapsedMs: number }>;
  /** Ends the connection from this side. */
  stop(): void;
}

export function slowSender(url: string, head: string, everyMs: number, trickle = 'x'): SlowSender {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  const socket = net.connect(Number(port), hostname);
  let answer = '';
  let timer: NodeJS.Timeout | undefined;
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
  socket.on('connect', () => {
    if (head !== '') socket.write(head);
    if (trickle !== '') timer = setInterval(() => socket.write(trickle), everyMs);
  });
  const closed = new Promise<{ answer: string; elapsedMs: number }>((resolve) => {
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, elapsedMs: performance.now() - started });
    });
    // The server may reset a connection it gave up on: that is a close like any other here.
    socket.on('error', () => undefined);
  });
  return {
    closed,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

let nextSpan = 1;

/** An OTLP/JSON trace request with `count` spans of our stt component, each with a span id of its own in this process. */
export function spansJson(count: number): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: count }, () => {
    const id = (nextSpan++).toString(16).padStart(16, '0');
    return {
      traceId: `${id}${id}`,
      spanId: id,
      name: 'stt.transcribe',
      startTimeUnixNano: String(now - 5_000_000n),
      endTimeUnixNano: String(now),
      attributes: [{ key: 'transcriber.component', value: { stringValue: 'stt' } }],
    };
  });
  return Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
}
