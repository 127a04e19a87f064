import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAGE_DIR } from './packageRoot';

/** A built page asset, held in memory once read. */
export interface Asset {
  body: Buffer;
  contentType: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page's files by URL path (`/` is index.html). Built by `npm run build` (scripts/bundlePage.js). */
const FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
  '/favicon.svg': 'favicon.svg',
};

/**
 * The page's assets, read from the package's dist/page on first use. Only the listed files are
 * served: nothing else on the disk is reachable through a path.
 */
export class StaticFiles {
  private readonly cache = new Map<string, Asset>();
  private readonly dir: string;

  constructor(dir: string = PAGE_DIR) {
    this.dir = dir;
  }

  /** The asset of a path; undefined for a path that is not the page's; throws when not built. */
  get(urlPath: string): Asset | undefined {
    const name = FILES[urlPath];
    if (name === undefined) return undefined;
    let asset = this.cache.get(name);
    if (asset === undefined) {
      const file = path.join(this.dir, name);
      let body: Buffer;
      try {
        body = fs.readFileSync(file);
      } catch {
        throw new Error(`the page is not built (${file} is missing): run \`npm run build\``);
      }
      asset = { body, contentType: TYPES[path.extname(name)] ?? 'application/octet-stream' };
      this.cache.set(name, asset);
    }
    return asset;
  }
}
