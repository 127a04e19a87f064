import * as http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request over real HTTP with full control of its headers (fetch does not let a test set Host).
 */
export function request(url: string, options: { method?: string; host?: string | null } = {}): Promise<Answer> {
  const target = new URL(url);
  const headers: Record<string, string> = {};
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers,
        setHost: options.host === undefined,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    if (options.host !== undefined && options.host !== null) req.setHeader('host', options.host);
    req.on('error', reject);
    req.end();
  });
}

/** GET a path of the API and parse its JSON (any status). */
export async function getJson<T = Record<string, unknown>>(
  base: string,
  path: string,
): Promise<{ status: number; json: T }> {
  const answer = await request(new URL(path, base).toString());
  return { status: answer.status, json: JSON.parse(answer.body) as T };
}
