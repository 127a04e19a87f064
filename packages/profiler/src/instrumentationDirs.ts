import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string[] | undefined;

/**
 * Where the instrumentation's own code lives in this process: the built (`dist`) and source (`src`)
 * folders of each of our packages — the `@transcriber/*` packages beside this one, in
 * `node_modules/@transcriber` when installed or `packages/` in a checkout of this repository (not
 * their tests, nor anything else there) — and the folder holding the OpenTelemetry packages the
 * API resolves to. Frames in them are overhead, not the app's (see SampleAttribution).
 */
export function instrumentationDirs(): string[] {
  if (cached !== undefined) return cached;
  const dirs = new Set<string>();
  const real = (dir: string) => {
    try {
      return fs.realpathSync(dir);
    } catch {
      return undefined;
    }
  };
  const packagesDir = path.resolve(__dirname, '..', '..');
  let siblings: string[] = [];
  try {
    siblings = fs.readdirSync(packagesDir);
  } catch {
    // nothing to list: the generic package patterns still apply
  }
  for (const name of siblings) {
    const dir = real(path.join(packagesDir, name));
    if (dir === undefined || !isOurPackage(dir)) continue;
    for (const part of ['dist', 'src']) {
      const code = real(path.join(dir, part));
      if (code !== undefined) dirs.add(code);
    }
  }
  try {
    // …/@opentelemetry/api/build/src/index.js → …/@opentelemetry
    const api = real(require.resolve('@opentelemetry/api'));
    const at = api?.lastIndexOf(`${path.sep}@opentelemetry${path.sep}`) ?? -1;
    if (api !== undefined && at !== -1) dirs.add(api.slice(0, at + '/@opentelemetry'.length));
  } catch {
    // not resolvable from here: the generic package patterns still apply
  }
  cached = [...dirs];
  return cached;
}

function isOurPackage(dir: string): boolean {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    // The example agent is an app like any other, even where npm links it beside our packages.
    return (
      typeof json.name === 'string' &&
      json.name.startsWith('@transcriber/') &&
      !json.name.startsWith('@transcriber/example')
    );
  } catch {
    return false;
  }
}
