import * as fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { DATABASE_NAMES, databasePath } from '@transcriber/storage/files';

/** How often the files are looked at while a page listens. */
const POLL_MS = 1000;
/** A comment line now and then keeps proxies and the browser from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * Server-sent events (`/api/events`) telling open pages that data changed, so they fetch again
 * without a reload. While at least one page listens, the databases' files (and their write-ahead
 * logs) are looked at every second: a commit changes the log's size or time. Each change is one
 * `change` event naming the databases that changed. No connection to SQLite is held: an app's
 * writer is never kept from checkpointing.
 */
export class ChangeFeed {
  private readonly clients = new Set<ServerResponse>();
  private readonly dataDir: string;
  private signatures = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** Takes a request for the stream: headers, then events until the page goes away. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // The browser reconnects by itself after a lost connection; 2 s keeps a restarted view quick.
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stop();
    });
    if (this.timer === undefined) this.start();
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.stop();
  }

  private start(): void {
    this.signatures = this.read();
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.keepalive = setInterval(() => this.send(': keepalive\n\n'), KEEPALIVE_MS);
  }

  private stop(): void {
    clearInterval(this.timer);
    clearInterval(this.keepalive);
    this.timer = undefined;
    this.keepalive = undefined;
  }

  private poll(): void {
    const now = this.read();
    const changed = DATABASE_NAMES.filter((name) => now.get(name) !== this.signatures.get(name));
    this.signatures = now;
    if (changed.length > 0) this.send(`event: change\ndata: ${JSON.stringify({ databases: changed })}\n\n`);
  }

  private send(text: string): void {
    for (const res of this.clients) res.write(text);
  }

  /** Size and modification time of each database and its log ('' for a missing file). */
  private read(): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of DATABASE_NAMES) {
      const file = databasePath(this.dataDir, name);
      out.set(name, `${stamp(file)}|${stamp(`${file}-wal`)}`);
    }
    return out;
  }
}

function stamp(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return '';
  }
}
