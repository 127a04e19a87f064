import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Files matching any of the glob patterns, resolved against `cwd`, sorted. Patterns support `*`,
 * `?`, `**` (any number of directories), `{a,b}` and `[…]`. Directory walks skip `node_modules`
 * and hidden directories.
 */
export function findBenchFiles(patterns: readonly string[], cwd: string): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const absolute = toSlashes(path.resolve(cwd, pattern));
    const segments = absolute.split('/');
    const firstGlob = segments.findIndex((s) => /[*?[{]/.test(s));
    if (firstGlob === -1) {
      if (isFile(absolute)) found.add(path.resolve(absolute));
      continue;
    }
    const base = segments.slice(0, firstGlob).join('/') || '/';
    const matcher = globToRegExp(absolute);
    walk(base, (file) => {
      if (matcher.test(toSlashes(file))) found.add(file);
    });
  }
  return [...found].sort();
}

/** A regular expression matching whole paths (with `/` separators) against a glob. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let inBraces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const atSegmentStart = i === 0 || glob[i - 1] === '/';
      if (atSegmentStart && glob[i + 2] === '/') {
        out += '(?:[^/]+/)*'; // `**/`: zero or more directories
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      inBraces++;
      out += '(?:';
    } else if (c === '}' && inBraces > 0) {
      inBraces--;
      out += ')';
    } else if (c === ',' && inBraces > 0) out += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function walk(dir: string, visit: (file: string) => void): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a base directory that does not exist simply has no bench files
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(full, visit);
    } else if (entry.isFile() || (entry.isSymbolicLink() && isFile(full))) {
      visit(full);
    }
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function toSlashes(p: string): string {
  return p.split(path.sep).join('/');
}
